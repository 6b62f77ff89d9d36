// Attacks on the connection layer, over real loopback sockets: what an ENet-speaking
// attacker can make a server hold, and what a kicked client can do next. Each test
// fails without the limit it checks (docs/reliability.md, "ENet's own limits").
//
// The half-open storm comes from 127.0.0.2 (still loopback) so that the honest
// client on 127.0.0.1 is another address, as a second machine on a LAN would be.

#include <gtest/gtest.h>

#include <enet/enet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferrum/net_config.h"
#include "game/grenade_controller.h"
#include "game/types.h"
#include "tests/support/process.h"
#include "tests/support/raw_enet.h"
#include "tests/support/test_peer.h"
#include "wire/messages.h"

namespace fs = std::filesystem;
using namespace ferrum;
using testing_support::pumpTicks;
using testing_support::pumpUntil;
using testing_support::RawUdp;
using testing_support::TestPeer;

namespace {

// Under AddressSanitizer (make test-asan builds the server with it too) freed memory
// sits in a quarantine on purpose and every allocation carries redzones: RSS then
// says nothing about what ENet holds, and that build checks the drops only.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif

double wallSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

uint32_t ferrumConnectData() { return wire::packConnectData(protocolVersion(), NetConfig{}.gameId); }

/// A demo server over loopback ENet with `enet`'s transport limits.
std::unique_ptr<TestPeer> serverWith(NetConfig config, EnetConfig enet) {
  HostDef def = game::demoHostDef();
  config.role = Role::Server;
  def.net = config;
  def.enet = enet;
  return TestPeer::fromDef(std::move(def));
}

/// Connect requests from many ports of one address, resent every 250 ms and never
/// completed: each takes an ENet peer slot until it is reaped or times out.
class HalfOpenStorm {
public:
  HalfOpenStorm(const std::string& fromIp, uint16_t port, int sockets) : m_port(port) {
    for (int i = 0; i < sockets; ++i) m_sockets.push_back(std::make_unique<RawUdp>(fromIp));
  }
  bool ok() const {
    return std::all_of(m_sockets.begin(), m_sockets.end(), [](const auto& s) { return s->ok(); });
  }
  void pump() {
    if (wallSeconds() < m_next) return;
    m_next = wallSeconds() + 0.25;
    for (size_t i = 0; i < m_sockets.size(); ++i) {
      m_sockets[i]->drain();
      m_sockets[i]->sendToLoopback(m_port, testing_support::enetConnectRequest(
                                               0x5EED0000u + static_cast<uint32_t>(i), ferrumConnectData(),
                                               static_cast<uint16_t>(i)));
      ++sent;
    }
  }
  int sent = 0;

private:
  uint16_t m_port;
  double m_next = 0;
  std::vector<std::unique_ptr<RawUdp>> m_sockets;
};

/// A plain ENet client host the test drives itself (no ferrum on this side).
struct RawEnetClient {
  ENetHost* host = nullptr;
  ENetPeer* peer = nullptr;
  bool connected = false;
  bool welcomed = false; ///< something arrived on the reliable channel (the welcome)
  bool closed = false;
  explicit RawEnetClient(uint16_t port) {
    host = enet_host_create(nullptr, 1, kChannelCount, 0, 0);
    if (!host) return;
    ENetAddress to{};
    enet_address_set_host_ip(&to, "127.0.0.1");
    to.port = port;
    peer = enet_host_connect(host, &to, kChannelCount, ferrumConnectData());
  }
  ~RawEnetClient() {
    if (host) enet_host_destroy(host);
  }
  RawEnetClient(const RawEnetClient&) = delete;
  RawEnetClient& operator=(const RawEnetClient&) = delete;
  bool ok() const { return host && peer; }
  void send(const std::vector<uint8_t>& bytes, uint8_t channel = 1, bool reliable = true) {
    ENetPacket* packet = enet_packet_create(bytes.data(), bytes.size(), reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
    if (enet_peer_send(peer, channel, packet) != 0) enet_packet_destroy(packet);
  }
  /// Handles what arrived; `hello`, if not empty, is sent once the link is up.
  void pump(const std::vector<uint8_t>& hello) {
    ENetEvent ev{};
    for (int i = 0; i < 1000 && enet_host_service(host, &ev, 0) > 0; ++i) {
      if (ev.type == ENET_EVENT_TYPE_CONNECT) {
        connected = true;
        if (!hello.empty()) send(hello);
      } else if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
        welcomed |= ev.channelID == 1;
        enet_packet_destroy(ev.packet);
      } else if (ev.type == ENET_EVENT_TYPE_DISCONNECT) {
        closed = true;
      }
    }
  }
};

std::vector<uint8_t> helloFor(const TestPeer& like) {
  const wire::Hello hello{static_cast<uint32_t>(like.host->types().size()), like.host->types().fingerprint()};
  return wire::encodeMessage(wire::MessageType::Hello, hello);
}

long rssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> value) return value;
    status.ignore(4096, '\n');
  }
  return -1;
}

} // namespace

// 40 connect requests never completed, from 40 ports of another address, resent all
// along: an honest client still joins, and the storm shows in the counters.
TEST(EnetAttack, AHalfOpenStormDoesNotLockOutAnHonestClient) {
  NetConfig config;
  config.maxClients = 4;
  EnetConfig enet;
  enet.maxLinks = static_cast<size_t>(config.maxClients) + 8; // as ferrum-server sizes it
  auto server = serverWith(config, enet);
  ASSERT_TRUE(server);
  HalfOpenStorm storm("127.0.0.2", server->port, 40);
  ASSERT_TRUE(storm.ok());
  // The storm first, so that it has taken what it can before the honest client asks.
  ASSERT_FALSE(pumpUntil({server.get()}, [&] {
    storm.pump();
    return false;
  }, 30));

  const double joinStart = wallSeconds();
  auto honest = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(honest);
  EXPECT_TRUE(pumpUntil({server.get(), honest.get()}, [&] {
    storm.pump();
    return honest->net->joined();
  }, 100000, 20)) << "the honest client never got in: " << honest->net->disconnectReason();
  const double joinSeconds = wallSeconds() - joinStart;
  // Half-open handshakes are reset when they overstay, and further requests from the
  // storm's address are dropped at the door.
  ASSERT_TRUE(pumpUntil({server.get(), honest.get()}, [&] {
    storm.pump();
    return server->net->stats().counters.halfOpenReaped > 0;
  }, 100000, 20));
  const NetCounters c = server->net->stats().counters;
  std::printf("half-open storm: %d connect requests from 40 ports; honest client joined in %.2f s; "
              "handshakesRefused %llu, halfOpenReaped %llu\n",
              storm.sent, joinSeconds, (unsigned long long)c.handshakesRefused, (unsigned long long)c.halfOpenReaped);
  EXPECT_GT(c.handshakesRefused, 0u);
  EXPECT_EQ(c.clientsJoined, 1u) << "nothing of the storm became a client";
  EXPECT_TRUE(honest->net->joined());
}

// EnetConfig::maxPeersPerAddress (off by default) caps every peer of one address:
// the third client from 127.0.0.1 gets no answer until one of the two leaves.
TEST(EnetAttack, PeersPerAddressAreCappedWhenAsked) {
  EnetConfig enet;
  enet.maxPeersPerAddress = 2;
  auto server = serverWith({}, enet);
  ASSERT_TRUE(server);
  auto first = TestPeer::enetClient(server->port, false);
  auto second = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(pumpUntil({server.get(), first.get(), second.get()},
                        [&] { return first->net->joined() && second->net->joined(); }, 600));
  auto third = TestPeer::enetClient(server->port, false);
  ASSERT_TRUE(third);
  ASSERT_TRUE(pumpUntil({server.get(), first.get(), second.get(), third.get()},
                        [&] { return server->net->stats().counters.handshakesRefused > 0; }, 100000, 20));
  EXPECT_FALSE(third->net->joined());
  first->net->shutdown();
  EXPECT_TRUE(pumpUntil({server.get(), second.get(), third.get()}, [&] { return third->net->joined(); }, 100000, 20))
      << third->net->disconnectReason();
}

// Bytes that are not ENet are counted, and honest traffic alongside counts as none.
TEST(EnetAttack, GarbageDatagramsAreCountedAndHonestTrafficIsNot) {
  auto server = TestPeer::enetServer();
  ASSERT_TRUE(server);
  auto honest = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(honest);
  std::vector<TestPeer*> all{server.get(), honest.get()};
  ASSERT_TRUE(pumpUntil(all, [&] { return honest->net->joined(); }, 600));
  RawUdp junk("127.0.0.1");
  ASSERT_TRUE(junk.ok());
  for (int i = 0; i < 10; ++i) {
    junk.sendToLoopback(server->port, testing_support::tooShortDatagram());
    junk.sendToLoopback(server->port, testing_support::unknownPeerDatagram());
  }
  ASSERT_TRUE(pumpUntil(all, [&] { return server->net->stats().counters.garbageDatagrams >= 20; }, 600));
  pumpTicks(all, 120); // two seconds of honest play on top
  EXPECT_EQ(server->net->stats().counters.garbageDatagrams, 20u);
  EXPECT_TRUE(honest->net->joined());
}

// A link that completes ENet's handshake and then never says hello held its client
// slot for ever; now it is closed after NetConfig::helloTimeoutSeconds.
TEST(EnetAttack, AConnectionThatNeverSaysHelloLosesItsSlot) {
  NetConfig config;
  config.maxClients = 1;
  config.helloTimeoutSeconds = 1.0f;
  auto server = TestPeer::enetServer(config);
  ASSERT_TRUE(server);
  RawEnetClient silent(server->port);
  ASSERT_TRUE(silent.ok());
  ASSERT_TRUE(pumpUntil({server.get()}, [&] {
    silent.pump({});
    return silent.connected;
  }, 600));
  ASSERT_TRUE(pumpUntil({server.get()}, [&] {
    silent.pump({});
    return server->net->stats().counters.helloTimeouts == 1;
  }, 600)) << "the silent connection kept its slot";

  auto honest = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(honest);
  EXPECT_TRUE(pumpUntil({server.get(), honest.get()}, [&] {
    silent.pump({});
    return honest->net->joined();
  }, 600)) << honest->net->disconnectReason();
}

// A kicked client's address is refused for NetConfig::kickCoolOffSeconds, then
// welcome again.
TEST(EnetAttack, AKickedClientIsRefusedWhileItCoolsOff) {
  NetConfig config;
  config.maxViolations = 10;
  config.kickCoolOffSeconds = 3.0f;
  auto server = TestPeer::enetServer(config);
  ASSERT_TRUE(server);
  auto cheat = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(cheat);
  ASSERT_TRUE(pumpUntil({server.get(), cheat.get()}, [&] { return !cheat->player->id().isNull(); }, 600));
  SpawnState beside;
  beside.transform.position = cheat->group->find(cheat->player->id())->body().position() + Vec3{0.8f, 0.5f, 0};
  beside.variant = game::kDefaultFuseTicks;
  for (int i = 0; i < 30; ++i) cheat->net->spawn(game::kGrenadeType, beside); // far past the spawn burst
  ASSERT_TRUE(pumpUntil({server.get(), cheat.get()}, [&] {
    return cheat->net->disconnected() && server->net->stats().counters.clientsKicked == 1;
  }, 600));

  // Back at once from a new port (a restarted program): refused, with the reason.
  auto again = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(again);
  ASSERT_TRUE(pumpUntil({server.get(), again.get()}, [&] { return again->net->disconnected(); }, 600))
      << "the kicked address got back in during its cooling-off";
  EXPECT_FALSE(again->net->joined());
  EXPECT_NE(again->net->disconnectReason().find("kicked"), std::string::npos) << again->net->disconnectReason();
  EXPECT_EQ(server->net->stats().counters.refusedCoolingOff, 1u);

  // Once the cooling-off is over, the same address joins.
  pumpTicks({server.get()}, 200); // 3.3 s on the test clock
  auto later = TestPeer::enetClient(server->port, true);
  ASSERT_TRUE(later);
  EXPECT_TRUE(pumpUntil({server.get(), later.get()}, [&] { return later->net->joined(); }, 600))
      << later->net->disconnectReason();
  EXPECT_EQ(server->net->stats().counters.refusedCoolingOff, 1u);
}

namespace {

enum class Hoard {
  BigReliable,        ///< 64 KiB reliable messages on the reliable channel
  EmptyUnreliable,    ///< empty unreliable packets on the state channel, stamped past the gap
};

// Eight clients join, then leave a gap in a channel's reliable sequence and send
// behind it what ENet must hold until the gap fills (never). ferrum-server runs as
// a process, so that its own memory is what is measured.
void hoardAttack(Hoard kind) {
  const fs::path dir = testing_support::scratchDir(kind == Hoard::BigReliable ? "enet-hoard" : "enet-hoard-empty");
  const fs::path apps = FERRUM_APPS_DIR;
  testing_support::ChildProcess server({(apps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0",
                                        "--port-file", (dir / "port").string(), "--crates", "0", "--stats-json",
                                        (dir / "server.json").string(), "--log-level", "warn"},
                                       dir / "server.out", dir / "server.err");
  const std::string port = testing_support::waitForWord(dir / "port", 30);
  ASSERT_FALSE(port.empty()) << testing_support::readText(dir / "server.err");
  const auto serverPort = static_cast<uint16_t>(std::stoi(port));

  // An honest client first: joins, and gives the Hello the hoarders send.
  auto honest = TestPeer::enetClient(serverPort, true);
  ASSERT_TRUE(honest);
  ASSERT_TRUE(pumpUntil({honest.get()}, [&] { return honest->net->joined(); }, 100000, 30));
  const std::vector<uint8_t> hello = helloFor(*honest);
  honest->net->shutdown(); // it has served: the newcomer below is the honest client under test
  const long rssBefore = rssKiB(server.pid());
  ASSERT_GT(rssBefore, 0);

  constexpr int kHoarders = 8;
  std::vector<std::unique_ptr<RawEnetClient>> hoarders;
  for (int i = 0; i < kHoarders; ++i) hoarders.push_back(std::make_unique<RawEnetClient>(serverPort));
  std::vector<bool> gapped(kHoarders, false);
  const std::vector<uint8_t> big(64 * 1024 - 64, 0xAB); // just under the server's message limit
  long rssPeak = rssBefore;
  int closed = 0;
  int sent = 0;
  // The test's clients run on the test clock, one tick per pump step, against a
  // server on the real clock: paced to real time, or they would outrun the server's
  // packet rate limit and be kicked.
  auto nextStep = std::chrono::steady_clock::now();
  auto pumpHoarders = [&] {
    nextStep += std::chrono::microseconds(16667);
    std::this_thread::sleep_until(nextStep);
    closed = 0;
    for (int i = 0; i < kHoarders; ++i) {
      RawEnetClient& h = *hoarders[i];
      h.pump(hello);
      closed += h.closed;
      if (h.closed || !h.welcomed) continue;
      const uint8_t channel = kind == Hoard::BigReliable ? 1 : 0;
      if (!gapped[i]) { // the gap: a reliable sequence number that is never sent
        ++h.peer->channels[channel].outgoingReliableSequenceNumber;
        gapped[i] = true;
      }
      if (kind == Hoard::BigReliable) {
        for (int k = 0; k < 8 && enet_list_size(&h.peer->outgoingCommands) < 200; ++k, ++sent) h.send(big);
      } else {
        for (int k = 0; k < 4000 && enet_list_size(&h.peer->outgoingCommands) < 4000; ++k, ++sent) h.send({}, 0, false);
      }
      enet_host_flush(h.host);
    }
    rssPeak = std::max(rssPeak, rssKiB(server.pid()));
  };
  const double start = wallSeconds();
  ASSERT_TRUE(pumpUntil({}, [&] {
    pumpHoarders();
    return std::count(gapped.begin(), gapped.end(), true) == kHoarders;
  }, 100000, 30)) << "the hoarders never joined";
  pumpUntil({}, [&] {
    pumpHoarders();
    return wallSeconds() - start > 2;
  }, 100000, 10);

  // A newcomer during the attack.
  const double joinStart = wallSeconds();
  auto newcomer = TestPeer::enetClient(serverPort, true);
  ASSERT_TRUE(newcomer);
  nextStep = std::chrono::steady_clock::now();
  EXPECT_TRUE(pumpUntil({newcomer.get()}, [&] {
    pumpHoarders();
    return newcomer->net->joined();
  }, 100000, 20)) << newcomer->net->disconnectReason();
  const double joinSeconds = wallSeconds() - joinStart;

  // Until every hoarder is gone (bounded: ENet would time them out itself in the end).
  pumpUntil({newcomer.get()}, [&] {
    pumpHoarders();
    return closed == kHoarders;
  }, 100000, 30);
  const double attackSeconds = wallSeconds() - start;
  const long rssAfter = rssKiB(server.pid());
  EXPECT_TRUE(newcomer->net->joined()) << newcomer->net->disconnectReason();
  newcomer->net->shutdown();
  hoarders.clear();

  ASSERT_TRUE(server.signal(SIGTERM));
  ASSERT_EQ(server.wait(60), 0) << testing_support::readText(dir / "server.err");
  nlohmann::json json;
  std::ifstream(dir / "server.json") >> json;
  const auto& c = json["counters"];
  std::printf("hoard (%s): %d hoarders, %d messages sent, %.1f s; server RSS %ld -> peak %ld -> %ld KiB; "
              "newcomer joined in %.2f s; hoardersDropped %llu, hoardedBytes %llu\n",
              kind == Hoard::BigReliable ? "64 KiB reliable" : "empty unreliable", kHoarders, sent, attackSeconds, rssBefore, rssPeak, rssAfter, joinSeconds,
              (unsigned long long)c.value("hoardersDropped", 0ull), (unsigned long long)c.value("hoardedBytes", 0ull));
  // ENet's own default let each hoarder park 32 MiB; the limit is 256 KiB a peer.
  if (kRssIsMeaningful) {
    EXPECT_LT(rssPeak - rssBefore, 32 * 1024) << "KiB the server grew by under the attack";
  }
  EXPECT_EQ(c.value("hoardersDropped", 0ull), static_cast<unsigned long long>(kHoarders));
  if (kind == Hoard::BigReliable) {
    EXPECT_GT(c.value("hoardedBytes", 0ull), 0ull);
  }
}

} // namespace

TEST(EnetAttack, ReliableGapHoardersAreBoundedAndDropped) { hoardAttack(Hoard::BigReliable); }

// Empty packets count nothing against ENet's waiting-data limit, yet each costs the
// server its bookkeeping.
TEST(EnetAttack, EmptyPacketsBehindAGapAreBoundedAndDropped) { hoardAttack(Hoard::EmptyUnreliable); }
