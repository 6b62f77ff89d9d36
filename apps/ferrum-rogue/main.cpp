// ferrum-rogue: a hostile client for tests. Joins a ferrum server on loopback and runs
// every attack in apps/ferrum-rogue/rogue.h once, bounded by counts and --duration,
// then prints what it did and what it saw as JSON.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "apps/common/cli.h"
#include "apps/ferrum-rogue/rogue.h"

namespace {
double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-rogue: a hostile client for testing a ferrum server (loopback only). Sends random bytes, "
               "truncated and oversized packets, forged updates, forbidden spawns, a spawn flood, impossible "
               "speeds, replays, wrong protocol versions and a connect/disconnect storm, then floods garbage "
               "until the server kicks it.\nExample: ferrum-rogue --port 27960 --duration 60"};
  rogue::RogueConfig config;
  config.port = 27960;
  double duration = 60;
  cli.add_option("--port", config.port, "the server's UDP port on 127.0.0.1")->capture_default_str();
  cli.add_option("--seed", config.seed, "random seed for the garbage")->capture_default_str();
  cli.add_option("--duration", duration, "give up after this many seconds")->capture_default_str()->check(CLI::PositiveNumber);
  cli.add_option("--random", config.randomPackets, "random-byte packets")->capture_default_str()->check(CLI::Range(0, 1000));
  cli.add_option("--truncated", config.truncatedPackets, "truncated packets")->capture_default_str()->check(CLI::Range(0, 1000));
  cli.add_option("--oversized", config.oversizedPackets, "oversized packets")->capture_default_str()->check(CLI::Range(0, 1000));
  cli.add_option("--forged", config.forgedUpdates, "forged updates of another player")->capture_default_str()->check(CLI::Range(0, 1000));
  cli.add_option("--spawn-flood", config.spawnFlood, "grenades spawned at once")->capture_default_str()->check(CLI::Range(0, 1000));
  cli.add_option("--replays", config.replays, "old state packets replayed")->capture_default_str()->check(CLI::Range(0, 50));
  cli.add_option("--wrong-connects", config.wrongVersionConnects, "connects with a wrong protocol (and as many with a wrong game id)")
      ->capture_default_str()->check(CLI::Range(0, 20));
  cli.add_option("--storm", config.stormConnects, "connect/disconnect storm size")->capture_default_str()->check(CLI::Range(0, 60));
  cli.add_option("--flood-limit", config.floodLimit, "garbage packets at most while waiting for the kick")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-rogue", "warn");
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  std::string error;
  if (!app::applyLogLevel(logLevel, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }

  auto r = rogue::Rogue::create(config, error);
  if (!r) {
    std::fprintf(stderr, "ferrum-rogue: %s\n", error.c_str());
    return 1;
  }
  const double start = nowSeconds();
  while (!r->finished() && nowSeconds() - start < duration) {
    r->frame(nowSeconds());
    r->service(5);
  }
  const rogue::RogueReport& rep = r->report();
  nlohmann::json out = {{"finished", r->finished()},           {"phase", r->phaseName()},
                        {"wrongConnectsSent", rep.wrongConnectsSent}, {"refusedProtocol", rep.refusedProtocol},
                        {"refusedGame", rep.refusedGame},       {"malformedSent", rep.malformedSent},
                        {"forgedSent", rep.forgedSent},         {"forbiddenSpawnsSent", rep.forbiddenSpawnsSent},
                        {"floodSpawned", rep.floodSpawned},     {"replaysSent", rep.replaysSent},
                        {"stormJoined", rep.stormJoined},       {"stormClosed", rep.stormClosed},
                        {"garbageSent", rep.garbageSent},       {"kicked", rep.kicked},
                        {"disconnectReason", rep.disconnectReason}};
  std::printf("%s\n", out.dump(2).c_str());
  return r->finished() ? 0 : 1;
}
