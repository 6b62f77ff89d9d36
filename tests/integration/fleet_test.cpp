// ferrum-server as a fleet sees it, all real processes on loopback: the HTTP side door
// (/metrics scraped mid-match against the stats JSON), the Agones lifecycle against a
// fake sidecar that records every call, and the SIGTERM drain. Every wait is on a
// condition with a bound; no assertion depends on how fast this machine is.

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using testing_support::ChildProcess;
using testing_support::readText;
using testing_support::scratchDir;
using testing_support::waitForWord;

namespace {

const fs::path kApps = FERRUM_APPS_DIR;

/// Polls `done` every 20 ms until it holds or `seconds` pass; returns whether it held.
bool waitUntil(const std::function<bool()>& done, double seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

struct HttpReply {
  int status = 0; ///< 0: no answer
  std::string body;
};

HttpReply httpGet(const std::string& port, const std::string& path) {
  httplib::Client client("127.0.0.1", std::stoi(port));
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

/// "name{labels} value" lines of a Prometheus exposition, keyed by everything before the value.
std::map<std::string, double> parseMetrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::map<std::string, double> scrape(const std::string& port) {
  return parseMetrics(httpGet(port, "/metrics").body);
}

double get(const std::map<std::string, double>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? -1 : it->second;
}

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

/// A stand-in for the Agones SDK sidecar's REST API on 127.0.0.1: answers every call
/// with 200 {} and records "METHOD /path body" in arrival order. The test may add its
/// own markers to the same record, so "what arrived between two moments" is exact.
class FakeSidecar {
public:
  FakeSidecar() {
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      add(req.method + " " + req.path + (req.body.empty() || req.body == "{}" ? "" : " " + req.body));
      res.set_content("{}", "application/json");
    };
    m_server.Post(R"(/.*)", record);
    m_server.Put(R"(/.*)", record);
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    waitUntil([&] { return m_server.is_running(); }, 10);
  }
  ~FakeSidecar() {
    m_server.stop();
    m_thread.join();
  }
  int port() const { return m_port; }
  void add(const std::string& entry) {
    std::lock_guard lock(m_mutex);
    m_calls.push_back(entry);
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }
  size_t count(const std::string& prefix) const {
    auto all = calls();
    return std::count_if(all.begin(), all.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
  }

private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_calls;
};

/// Index of the first entry at or after `from` that starts with `prefix`; npos if none.
size_t find(const std::vector<std::string>& calls, const std::string& prefix, size_t from = 0) {
  for (size_t i = from; i < calls.size(); ++i)
    if (calls[i].rfind(prefix, 0) == 0) return i;
  return std::string::npos;
}

/// The server's environment for one test: AGONES_SDK_HTTP_PORT while it is spawned.
struct ScopedEnv {
  ScopedEnv(const char* name, const std::string& value) : m_name(name) { setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { unsetenv(m_name); }
  const char* m_name;
};

struct Server {
  fs::path dir;
  std::unique_ptr<ChildProcess> process;
  std::string port, httpPort;

  Server(const fs::path& scratch, std::vector<std::string> extra) : dir(scratch) {
    std::vector<std::string> args = {(kApps / "ferrum-server").string(),
                                     "--bind",
                                     "127.0.0.1",
                                     "--port",
                                     "0",
                                     "--port-file",
                                     (dir / "port").string(),
                                     "--http",
                                     "127.0.0.1:0",
                                     "--http-port-file",
                                     (dir / "http-port").string(),
                                     "--discovery-port",
                                     "0",
                                     "--stats-json",
                                     (dir / "server.json").string(),
                                     "--log-level",
                                     "info"};
    args.insert(args.end(), extra.begin(), extra.end());
    process = std::make_unique<ChildProcess>(args, dir / "server.out", dir / "server.err");
    port = waitForWord(dir / "port", 30);
    httpPort = waitForWord(dir / "http-port", 30);
  }
  bool up() const { return process->started() && !port.empty() && !httpPort.empty(); }
  std::unique_ptr<ChildProcess> client(const std::string& name, std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        (kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--log-level", "warn", "--stats-json",
        (dir / (name + ".json")).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(args, dir / (name + ".out"), dir / (name + ".err"));
  }
};

} // namespace

// /metrics while two clients play, and again once they left, against the stats JSON
// the same server writes when SIGTERM ends it.
TEST(Fleet, MetricsScrapedMidMatchAgreeWithTheStatsJson) {
  const fs::path dir = scratchDir("fleet-metrics");
  Server server(dir, {"--crates", "20"});
  ASSERT_TRUE(server.up()) << readText(dir / "server.err");
  auto a = server.client("a", {"--duration", "5", "--bot-seed", "1"});
  auto b = server.client("b", {"--duration", "5", "--bot-seed", "2"});

  // Mid-match: both clients in and state flowing both ways on each link.
  std::map<std::string, double> mid;
  ASSERT_TRUE(waitUntil([&] {
    mid = scrape(server.httpPort);
    return get(mid, "ferrum_clients") == 2 && get(mid, "ferrum_peer_packets_received_total{peer=\"1\"}") > 10 &&
           get(mid, "ferrum_peer_packets_received_total{peer=\"2\"}") > 10;
  })) << "never saw two playing clients";
  EXPECT_EQ(get(mid, "ferrum_clients_joined_total"), 2);
  EXPECT_GE(get(mid, "ferrum_live_entities"), 22) << "20 crates and 2 players";
  EXPECT_GT(get(mid, "ferrum_ticks_total"), 0);
  EXPECT_GT(get(mid, "ferrum_tick_cpu_seconds_count"), 0);
  EXPECT_EQ(get(mid, "ferrum_tick_cpu_seconds_bucket{le=\"+Inf\"}"), get(mid, "ferrum_tick_cpu_seconds_count"));
  EXPECT_GT(get(mid, "ferrum_tick_cpu_seconds_sum"), 0);
  EXPECT_GE(get(mid, "ferrum_peer_rtt_seconds{peer=\"1\"}"), 0);
  EXPECT_EQ(get(mid, "ferrum_draining"), 0);
  EXPECT_EQ(httpGet(server.httpPort, "/healthz").status, 200);
  EXPECT_EQ(httpGet(server.httpPort, "/readyz").status, 200);

  EXPECT_EQ(a->wait(60), 0) << readText(dir / "a.err");
  EXPECT_EQ(b->wait(60), 0) << readText(dir / "b.err");
  // After: both gone, nothing moves any more, so the next figures are the final ones.
  std::map<std::string, double> after;
  ASSERT_TRUE(waitUntil([&] {
    after = scrape(server.httpPort);
    return get(after, "ferrum_clients") == 0 && get(after, "ferrum_clients_left_total") == 2;
  }));
  // SIGTERM: a drain with no one left, the statistics written, exit 0.
  ASSERT_TRUE(server.process->signal(SIGTERM));
  ASSERT_EQ(server.process->wait(60), 0) << readText(dir / "server.err");
  const nlohmann::json json = readJson(dir / "server.json");
  ASSERT_FALSE(json.is_discarded());

  const std::pair<const char*, const char*> counters[] = {{"ferrum_packets_sent_total", "packetsSent"},
                                                          {"ferrum_packets_received_total", "packetsReceived"},
                                                          {"ferrum_sent_bytes_total", "bytesSent"},
                                                          {"ferrum_received_bytes_total", "bytesReceived"},
                                                          {"ferrum_clients_joined_total", "clientsJoined"},
                                                          {"ferrum_clients_left_total", "clientsLeft"},
                                                          {"ferrum_clients_timed_out_total", "clientsTimedOut"},
                                                          {"ferrum_clients_kicked_total", "clientsKicked"},
                                                          {"ferrum_clients_too_slow_total", "clientsTooSlow"},
                                                          {"ferrum_connections_refused_total", "connectionsRefused"},
                                                          {"ferrum_spawns_sent_total", "spawnsSent"},
                                                          {"ferrum_spawns_received_total", "spawnsReceived"},
                                                          {"ferrum_despawns_received_total", "despawnsReceived"},
                                                          {"ferrum_blocks_applied_total", "blocksApplied"},
                                                          {"ferrum_blocks_forwarded_total", "blocksForwarded"},
                                                          {"ferrum_corrections_sent_total", "correctionsSent"},
                                                          {"ferrum_corrections_applied_total", "correctionsApplied"},
                                                          {"ferrum_malformed_blocks_total", "malformedBlocks"},
                                                          {"ferrum_events_raised_total", "eventsRaised"},
                                                          {"ferrum_events_received_total", "eventsReceived"},
                                                          {"ferrum_authority_handovers_total", "authorityHandovers"},
                                                          {"ferrum_hello_timeouts_total", "helloTimeouts"},
                                                          {"ferrum_refused_cooling_off_total", "refusedCoolingOff"},
                                                          {"ferrum_garbage_datagrams_total", "garbageDatagrams"},
                                                          {"ferrum_handshakes_refused_total", "handshakesRefused"},
                                                          {"ferrum_half_open_reaped_total", "halfOpenReaped"},
                                                          {"ferrum_hoarders_dropped_total", "hoardersDropped"},
                                                          {"ferrum_hoarded_bytes_total", "hoardedBytes"}};
  for (const auto& [metric, field] : counters) {
    const double final = json["counters"][field].get<double>();
    EXPECT_EQ(get(after, metric), final) << metric << " vs counters." << field;
    EXPECT_LE(get(mid, metric), final) << metric << " mid-match cannot exceed the final count";
  }
  EXPECT_GT(get(mid, "ferrum_sent_bytes_total"), 0);
  EXPECT_EQ(get(after, "ferrum_live_entities"), json["liveEntities"].get<double>());
  EXPECT_LE(get(after, "ferrum_ticks_total"), json["tick"].get<double>());

  // Per peer: mid-match figures of each connected client never exceed its final ones,
  // and the totals over every peer equal the JSON's peers summed.
  const std::pair<const char*, const char*> perPeer[] = {{"packets_sent_total", "packetsSent"},
                                                         {"packets_received_total", "packetsReceived"},
                                                         {"sent_bytes_total", "bytesSent"},
                                                         {"received_bytes_total", "bytesReceived"},
                                                         {"state_packets_lost_total", "stateLost"}};
  ASSERT_EQ(json["peers"].size(), 2u);
  for (const auto& [metric, field] : perPeer) {
    double sum = 0;
    for (const auto& p : json["peers"]) {
      sum += p[field].get<double>();
      const std::string key =
          "ferrum_peer_" + std::string(metric) + "{peer=\"" + std::to_string(p["id"].get<int>()) + "\"}";
      EXPECT_GE(get(mid, key), 0) << key << " missing mid-match";
      EXPECT_LE(get(mid, key), p[field].get<double>()) << key;
    }
    EXPECT_EQ(get(after, std::string("ferrum_peers_") + metric), sum) << metric;
  }
  const std::pair<const char*, const char*> violations[] = {{"malformed", "malformed"},
                                                            {"rejected", "rejected"},
                                                            {"clamped", "clamped"},
                                                            {"spawn_rejected", "spawnsRejected"},
                                                            {"rate_limited", "rateLimited"}};
  for (const auto& [kind, field] : violations) {
    double sum = 0;
    for (const auto& p : json["peers"])
      sum += p[field].get<double>();
    EXPECT_EQ(get(after, "ferrum_violations_total{kind=\"" + std::string(kind) + "\"}"), sum) << kind;
  }
  fs::remove_all(dir);
}

// The Agones lifecycle against a fake sidecar: Ready, then Health on its period, none
// while the loop is held still on purpose, Health again once it runs, the player label
// following a client in and out, and Shutdown last when the empty server times out.
TEST(Fleet, AgonesSidecarSeesReadyHealthAndShutdownInOrderAndNoHealthWhileTheLoopIsHeld) {
  const fs::path dir = scratchDir("fleet-agones");
  FakeSidecar sidecar;
  ASSERT_GT(sidecar.port(), 0);
  std::optional<Server> started;
  {
    ScopedEnv env("AGONES_SDK_HTTP_PORT", std::to_string(sidecar.port()));
    started.emplace(dir, std::vector<std::string>{"--crates", "5", "--agones-health-seconds", "0.2", "--health-max-gap",
                                                  "0.5", "--debug-stall-signal", "--empty-timeout", "1"});
  }
  Server& server = *started;
  ASSERT_TRUE(server.up()) << readText(dir / "server.err");
  ASSERT_TRUE(waitUntil([&] { return sidecar.count("POST /health") >= 3; })) << "no Health calls";

  // Hold the loop: /healthz must fail, and no Health may reach the sidecar until it runs again.
  ASSERT_TRUE(server.process->signal(SIGUSR1));
  ASSERT_TRUE(waitUntil([&] { return httpGet(server.httpPort, "/healthz").status == 503; })) << "healthz never failed";
  sidecar.add("MARK held");
  // Held for five Health periods (the server's own figure, read while it is held).
  ASSERT_TRUE(waitUntil([&] { return get(scrape(server.httpPort), "ferrum_last_tick_age_seconds") >= 1.0; }));
  EXPECT_EQ(httpGet(server.httpPort, "/healthz").status, 503);
  sidecar.add("MARK released");
  ASSERT_TRUE(server.process->signal(SIGUSR1));
  ASSERT_TRUE(waitUntil([&] {
    const auto calls = sidecar.calls();
    return find(calls, "POST /health", find(calls, "MARK released")) != std::string::npos;
  })) << "Health never resumed";
  EXPECT_EQ(httpGet(server.httpPort, "/healthz").status, 200);

  // A player comes and goes; then the empty server ends its match.
  auto client = server.client("c", {"--duration", "2"});
  EXPECT_EQ(client->wait(60), 0) << readText(dir / "c.err");
  EXPECT_EQ(server.process->wait(60), 0) << readText(dir / "server.err");

  const auto calls = sidecar.calls();
  std::string all;
  for (const auto& c : calls)
    all += c + "\n";
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front(), "POST /ready") << all;
  const size_t held = find(calls, "MARK held"), released = find(calls, "MARK released");
  ASSERT_LT(held, released) << all;
  EXPECT_LT(find(calls, "POST /health"), held) << all;
  EXPECT_EQ(find(calls, "POST /health", held), find(calls, "POST /health", released))
      << "a Health call arrived while the loop was held:\n"
      << all;
  const size_t one = find(calls, R"(PUT /metadata/label {"key":"players","value":"1"})", released);
  const size_t zero = find(calls, R"(PUT /metadata/label {"key":"players","value":"0"})", one);
  EXPECT_NE(one, std::string::npos) << all;
  EXPECT_NE(zero, std::string::npos) << all;
  EXPECT_EQ(calls.back(), "POST /shutdown") << all;
  EXPECT_EQ(sidecar.count("POST /shutdown"), 1u) << all;
  EXPECT_EQ(sidecar.count("POST /ready"), 1u) << all;
  EXPECT_EQ(readJson(dir / "server.json")["matchEnd"], "empty server timed out");
  fs::remove_all(dir);
}

// No sidecar behind AGONES_SDK_HTTP_PORT: said once, and the server serves a match anyway.
TEST(Fleet, UnreachableSidecarIsLoggedOnceAndTheServerKeepsServing) {
  const fs::path dir = scratchDir("fleet-nosidecar");
  // A bound TCP port nobody listens on: every connection is refused, and no one else can take it.
  const int blocker = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(blocker, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::optional<Server> started;
  {
    ScopedEnv env("AGONES_SDK_HTTP_PORT", std::to_string(ntohs(addr.sin_port)));
    started.emplace(dir, std::vector<std::string>{"--crates", "5", "--agones-health-seconds", "0.1"});
  }
  Server& server = *started;
  ASSERT_TRUE(server.up()) << readText(dir / "server.err");
  auto client = server.client("c", {"--duration", "2"});
  EXPECT_EQ(client->wait(60), 0) << readText(dir / "c.err");
  EXPECT_TRUE(readJson(dir / "c.json")["joined"].get<bool>());
  ASSERT_TRUE(
      waitUntil([&] { return get(scrape(server.httpPort), "ferrum_agones_calls_total{result=\"failed\"}") >= 5; }));
  ASSERT_TRUE(server.process->signal(SIGTERM));
  EXPECT_EQ(server.process->wait(60), 0) << readText(dir / "server.err");
  close(blocker);
  const std::string log = readText(dir / "server.err");
  size_t mentions = 0;
  for (size_t at = log.find("Agones sidecar at"); at != std::string::npos; at = log.find("Agones sidecar at", at + 1))
    ++mentions;
  EXPECT_EQ(mentions, 1u) << log;
  fs::remove_all(dir);
}

// SIGTERM: every client is told why (and prints it), the statistics are written, exit 0.
TEST(Fleet, SigtermDrainsWithAReasonEveryClientPrintsAndExitsZero) {
  const fs::path dir = scratchDir("fleet-drain");
  Server server(dir, {"--crates", "10"});
  ASSERT_TRUE(server.up()) << readText(dir / "server.err");
  // --join-timeout 2, and the drain only once each client has sent 100 state packets
  // (over 3 s at 30 Hz): a client ended by its server after its join timeout passed
  // must still report the reason, not "not joined".
  auto a = server.client("a", {"--duration", "120", "--bot-seed", "1", "--join-timeout", "2"});
  auto b = server.client("b", {"--duration", "120", "--bot-seed", "2", "--join-timeout", "2"});
  ASSERT_TRUE(waitUntil([&] {
    const auto m = scrape(server.httpPort);
    return get(m, "ferrum_clients") == 2 && get(m, "ferrum_peer_packets_received_total{peer=\"1\"}") >= 100 &&
           get(m, "ferrum_peer_packets_received_total{peer=\"2\"}") >= 100;
  }));
  ASSERT_TRUE(server.process->signal(SIGTERM));
  EXPECT_EQ(server.process->wait(30), 0) << "a drain ends well within its bound\n" << readText(dir / "server.err");
  for (auto [client, name] : {std::pair{a.get(), "a"}, std::pair{b.get(), "b"}}) {
    EXPECT_EQ(client->wait(30), 0) << name;
    EXPECT_NE(readText(dir / (std::string(name) + ".err")).find("server is shutting down (draining)"),
              std::string::npos)
        << name << ": " << readText(dir / (std::string(name) + ".err"));
  }
  const auto json = readJson(dir / "server.json");
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["matchEnd"], "drained after a stop signal");
  EXPECT_EQ(json["counters"]["clientsJoined"], 2);
  fs::remove_all(dir);
}

// While a drain lets its players finish, newcomers are refused with the reason, and a
// second SIGTERM does not wait for the drain.
TEST(Fleet, DuringADrainJoinsAreRefusedAndASecondSigtermExitsAtOnce) {
  const fs::path dir = scratchDir("fleet-drain2");
  Server server(dir, {"--crates", "5", "--drain-seconds", "600"});
  ASSERT_TRUE(server.up()) << readText(dir / "server.err");
  auto in = server.client("in", {"--duration", "600"});
  ASSERT_TRUE(waitUntil([&] { return get(scrape(server.httpPort), "ferrum_clients") == 1; }));
  ASSERT_TRUE(server.process->signal(SIGTERM));
  ASSERT_TRUE(waitUntil([&] { return httpGet(server.httpPort, "/readyz").status == 503; })) << "never unready";
  EXPECT_NE(httpGet(server.httpPort, "/readyz").body.find("draining"), std::string::npos);

  auto late = server.client("late", {"--duration", "5"});
  EXPECT_EQ(late->wait(60), 1);
  EXPECT_NE(readText(dir / "late.err").find("server is shutting down"), std::string::npos)
      << readText(dir / "late.err");
  EXPECT_EQ(get(scrape(server.httpPort), "ferrum_clients"), 1) << "the player already in plays on";

  ASSERT_TRUE(server.process->signal(SIGTERM));
  EXPECT_EQ(server.process->wait(30), 128 + SIGTERM) << "the 600 s drain was cut short\n"
                                                     << readText(dir / "server.err");
  EXPECT_NE(readText(dir / "server.err").find("second stop signal"), std::string::npos);
  fs::remove_all(dir);
}
