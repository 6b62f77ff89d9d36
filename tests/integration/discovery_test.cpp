// LAN discovery: the answer format against hostile bytes, then the real executables:
// a ferrum-server answering `ferrum-client --find` over loopback, and across two network
// namespaces joined by a veth pair (broadcast to that subnet), which the test creates.
// Network rule: only loopback, or addresses inside the namespaces made here.

#include <gtest/gtest.h>

#include <cstdlib>

#include "ferrum/discovery.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using testing_support::ChildProcess;

namespace {
const fs::path kApps = FERRUM_APPS_DIR;

std::vector<uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }
} // namespace

TEST(Discovery, AnswerRoundTripsAndHostileAnswersAreRefused) {
  ferrum::ServerInfo info;
  info.name = "lan\nparty=1"; // newlines and '=' must not forge extra fields
  info.map = "arena";
  info.players = 3;
  info.maxPlayers = 32;
  info.protocol = 7;
  info.gamePort = 27960;
  ferrum::ServerInfo back;
  ASSERT_TRUE(ferrum::decodeServerInfo(ferrum::encodeServerInfo(info), back));
  EXPECT_EQ(back.name, "lan party 1");
  EXPECT_EQ(back.players, 3);
  EXPECT_EQ(back.maxPlayers, 32);
  EXPECT_EQ(back.protocol, 7);
  EXPECT_EQ(back.gamePort, 27960);

  EXPECT_FALSE(ferrum::decodeServerInfo(bytes("FERRUM!1\nname=x\n"), back)) << "no game port";
  EXPECT_FALSE(ferrum::decodeServerInfo(bytes("FERRUM!1\nport=99999\n"), back)) << "port out of range";
  EXPECT_FALSE(ferrum::decodeServerInfo(bytes("FERRUM!1\nport=27960"), back)) << "unterminated line";
  EXPECT_FALSE(ferrum::decodeServerInfo(bytes("FERRUM!1\nplayers=-4\nport=1\n"), back));
  EXPECT_FALSE(ferrum::decodeServerInfo(bytes("HELLO\nport=1\n"), back));
  EXPECT_FALSE(ferrum::decodeServerInfo(std::vector<uint8_t>(4096, 'A'), back));
  EXPECT_TRUE(ferrum::decodeServerInfo(bytes("FERRUM!1\nfuture=yes\nport=1\n"), back)) << "unknown keys are skipped";

  EXPECT_TRUE(ferrum::isDiscoveryRequest(ferrum::encodeDiscoveryRequest()));
  const auto request = ferrum::encodeDiscoveryRequest();
  EXPECT_FALSE(ferrum::isDiscoveryRequest({request.data(), 16})) << "short requests could amplify: ignored";
}

TEST(Discovery, FindListsAServerOverLoopback) {
  const fs::path dir = testing_support::scratchDir("find");
  ChildProcess server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                       (dir / "port").string(), "--discovery-port", "-1", "--discovery-port-file",
                       (dir / "dport").string(), "--name", "loopback-test", "--crates", "0", "--duration", "20",
                       "--log-level", "warn"});
  ASSERT_TRUE(server.started());
  const std::string port = testing_support::waitForWord(dir / "port", 20);
  const std::string dport = testing_support::waitForWord(dir / "dport", 20);
  ASSERT_FALSE(port.empty() || dport.empty()) << "server never listened";
  ChildProcess find({(kApps / "ferrum-client").string(), "--find", "--find-address", "127.0.0.1", "--find-port", dport,
                     "--find-timeout", "1.5", "--log-level", "warn"},
                    dir / "find.out");
  ASSERT_EQ(find.wait(30), 0);
  const std::string out = testing_support::readText(dir / "find.out");
  EXPECT_NE(out.find("loopback-test"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.1:" + port), std::string::npos) << out;
  EXPECT_NE(out.find("0/32"), std::string::npos) << "players / max players: " << out;
  fs::remove_all(dir);
}

namespace {

// Addresses used only inside the two network namespaces the test creates (netns-only).
const std::string kNetnsAddrA = "10.213.7.1";         // netns-only
const std::string kNetnsAddrB = "10.213.7.2";         // netns-only
const std::string kNetnsBroadcast = "10.213.7.255";   // netns-only

/// Two namespaces joined by a veth pair (a /24 of their own), removed on scope exit.
class NamespacePair {
public:
  NamespacePair() {
    const std::string id = std::to_string(getpid() % 100000);
    m_a = "ferrum-a-" + id;
    m_b = "ferrum-b-" + id;
    const std::string va = "frma" + id, vb = "frmb" + id; // interface names: at most 15 characters
    m_ok = run("ip netns add " + m_a) && run("ip netns add " + m_b) &&
           run("ip link add " + va + " netns " + m_a + " type veth peer name " + vb + " netns " + m_b) &&
           run("ip -n " + m_a + " addr add " + kNetnsAddrA + "/24 broadcast " + kNetnsBroadcast + " dev " + va) &&
           run("ip -n " + m_b + " addr add " + kNetnsAddrB + "/24 broadcast " + kNetnsBroadcast + " dev " + vb) &&
           run("ip -n " + m_a + " link set " + va + " up") && run("ip -n " + m_b + " link set " + vb + " up") &&
           run("ip -n " + m_a + " link set lo up") && run("ip -n " + m_b + " link set lo up");
  }
  ~NamespacePair() {
    // Deleting a namespace deletes its end of the veth pair, and with it the pair.
    run("ip netns del " + m_a);
    run("ip netns del " + m_b);
  }
  bool ok() const { return m_ok; }
  const std::string& a() const { return m_a; }
  const std::string& b() const { return m_b; }

private:
  static bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }
  std::string m_a, m_b;
  bool m_ok = false;
};

} // namespace

TEST(Discovery, FindsAServerAcrossTwoNamespacesByBroadcast) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces (ip netns add)";
  if (std::system("command -v ip >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs iproute2's `ip`";
  NamespacePair ns;
  if (!ns.ok()) GTEST_SKIP() << "cannot create network namespaces and a veth pair here (container without NET_ADMIN?)";
  const fs::path dir = testing_support::scratchDir("netns");
  // The namespaces are ours alone, so the default ports are free there.
  ChildProcess server({"/usr/bin/env", "ip", "netns", "exec", ns.a(), (kApps / "ferrum-server").string(), "--bind",
                       "0.0.0.0", "--port", "27960", "--port-file", (dir / "port").string(), "--name", "ns-server",
                       "--crates", "0", "--duration", "20", "--log-level", "warn"},
                      {}, dir / "server.err");
  ASSERT_TRUE(server.started());
  ASSERT_FALSE(testing_support::waitForWord(dir / "port", 20).empty()) << testing_support::readText(dir / "server.err");
  ChildProcess find({"/usr/bin/env", "ip", "netns", "exec", ns.b(), (kApps / "ferrum-client").string(), "--find",
                     "--find-address", kNetnsBroadcast, "--find-timeout", "2", "--log-level", "warn"},
                    dir / "find.out", dir / "find.err");
  ASSERT_EQ(find.wait(30), 0) << testing_support::readText(dir / "find.err");
  const std::string out = testing_support::readText(dir / "find.out");
  EXPECT_NE(out.find("ns-server"), std::string::npos) << out;
  EXPECT_NE(out.find(kNetnsAddrA + ":27960"), std::string::npos) << "answer comes from the other namespace: " << out;
  EXPECT_EQ(server.wait(0), -1) << "still running until we stop it";
  fs::remove_all(dir);
}
