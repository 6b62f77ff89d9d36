// ferrum-join-swarm: many demo clients in one process join one server at once, and
// it reports how long each took to hold the expected world. Measures what a crowd
// of simultaneous joins costs (docs/benchmarks.md, "Paced joins"): run it against a
// ferrum-server in another process and read the server's --stats-json for the ticks
// it lost. Loopback only.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/common/cli.h"
#include "apps/common/host_options.h"
#include "ferrum/clock.h"

namespace {

bool isLoopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-join-swarm: N demo clients (spectators, no player) in one process join a ferrum-server at "
               "once over loopback; reports when each holds the expected number of entities.\n"
               "Example: ferrum-join-swarm --connect 127.0.0.1:27960 --clients 64 --expect 2000"};
  std::string address = "127.0.0.1:27960";
  int clients = 64;
  int expect = 1;
  double timeout = 120;
  std::string scenario = "arena";
  std::string jsonPath;
  cli.add_option("--connect", address, "server to join, HOST:PORT (loopback only)")->capture_default_str();
  cli.add_option("--clients", clients, "clients joining at once")->capture_default_str()->check(CLI::Range(1, 254));
  cli.add_option("--expect", expect, "entities a client must hold to count as having the world")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  cli.add_option("--timeout", timeout, "give up after this many seconds")
      ->capture_default_str()
      ->check(app::finiteRange(1, 3600));
  cli.add_option("--scenario", scenario, "the server's scenario (arena, cubes or large)")
      ->capture_default_str()
      ->check(CLI::IsMember({"arena", "cubes", "large"}));
  cli.add_option("--json", jsonPath, "write the results here");
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-join-swarm", "warn");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  std::string host, error;
  uint16_t port = 0;
  if (!app::applyLogLevel(logLevel, error) || !app::parseHostPort(address, host, port, error)) {
    std::fprintf(stderr, "ferrum-join-swarm: %s\n", error.c_str());
    return app::kExitUsage;
  }
  if (!isLoopback(host)) {
    std::fprintf(stderr, "ferrum-join-swarm: --connect must be a loopback address (got %s)\n", host.c_str());
    return app::kExitUsage;
  }

  app::PeerOptions options;
  options.net.role = ferrum::Role::Client;
  options.net.shutdownWaitMs = 50; // 64 goodbyes one after the other
  game::parseScenario(scenario, options.scenario);
  std::vector<std::unique_ptr<ferrum::Host>> peers;
  for (int i = 0; i < clients; ++i) {
    auto peer = app::createHost(options, error);
    if (!peer || !peer->connect(host, port)) {
      std::fprintf(stderr, "ferrum-join-swarm: client %d: %s\n", i, peer ? "cannot connect" : error.c_str());
      return app::kExitFailure;
    }
    peers.push_back(std::move(peer));
  }
  const double start = ferrum::steadySeconds();
  std::vector<double> heldAt(peers.size(), -1);
  size_t held = 0, lost = 0;
  while (held + lost < peers.size() && ferrum::steadySeconds() - start < timeout) {
    const double now = ferrum::steadySeconds();
    for (auto& p : peers) p->frame(now);
    for (auto& p : peers) p->service(0);
    held = lost = 0;
    for (size_t i = 0; i < peers.size(); ++i) {
      // Timed when seen (one turn of this loop can be long: every client's frame).
      if (heldAt[i] < 0 && peers[i]->group().size() >= static_cast<size_t>(expect))
        heldAt[i] = ferrum::steadySeconds() - start;
      held += heldAt[i] >= 0;
      lost += heldAt[i] < 0 && peers[i]->disconnected();
    }
    peers.front()->service(1); // a bounded wait for the next packet
  }
  std::vector<double> times;
  for (double t : heldAt)
    if (t >= 0) times.push_back(t);
  const double worst = times.empty() ? 0 : *std::max_element(times.begin(), times.end());
  std::printf("%zu of %zu clients hold %d entities; %zu disconnected; median %.2f s, last %.2f s\n", held,
              peers.size(), expect, lost, median(times), worst);
  if (!jsonPath.empty()) {
    const nlohmann::json doc{{"clients", peers.size()}, {"held", held},        {"disconnected", lost},
                             {"expect", expect},        {"medianSeconds", median(times)}, {"lastSeconds", worst}};
    std::ofstream(jsonPath) << doc.dump(2) << '\n';
  }
  for (auto& p : peers) p->shutdown();
  return held == peers.size() ? app::kExitDone : app::kExitFailure;
}
