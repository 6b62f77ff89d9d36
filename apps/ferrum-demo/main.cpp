// ferrum-demo: a LAN match on this machine. Starts one ferrum-server and N bot
// ferrum-clients as separate processes on 127.0.0.1, shows the server's status line
// every second, then prints a summary table per peer.

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/common/cli.h"
#include "apps/common/latency_probe.h"
#include "apps/common/sim_options.h"
#include "apps/ferrum-demo/plots.h"
#include "apps/ferrum-demo/report.h"
#include "apps/ferrum-demo/series.h"
#include <nlohmann/json.hpp>

extern char** environ;

namespace fs = std::filesystem;

namespace {

pid_t launch(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

int waitFor(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool readJson(const fs::path& path, nlohmann::json& out) {
  std::ifstream in(path);
  if (!in) return false;
  out = nlohmann::json::parse(in, nullptr, false);
  return !out.is_discarded();
}

struct CrateError {
  double median = 0, max = 0;
  size_t compared = 0;
};

CrateError crateError(const nlohmann::json& server, const nlohmann::json& client) {
  std::map<uint32_t, std::array<double, 3>> truth;
  for (const auto& c : server["crates"]) truth[c["id"].get<uint32_t>()] = c["position"].get<std::array<double, 3>>();
  std::vector<double> errors;
  for (const auto& c : client["crates"]) {
    auto it = truth.find(c["id"].get<uint32_t>());
    if (it == truth.end()) continue;
    const auto p = c["position"].get<std::array<double, 3>>();
    errors.push_back(std::hypot(p[0] - it->second[0], p[1] - it->second[1], p[2] - it->second[2]));
  }
  CrateError e;
  e.compared = errors.size();
  if (errors.empty()) return e;
  std::sort(errors.begin(), errors.end());
  e.median = errors[errors.size() / 2];
  e.max = errors.back();
  return e;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferrum-demo: a LAN match on this machine - one ferrum-server and N bot clients as separate "
               "processes on 127.0.0.1, a status line per second, a summary table at the end."};
  int clients = 3;
  double duration = 20;
  std::string outDir = "out/demo";
  cli.add_option("--clients", clients, "bot clients to start")->capture_default_str()->check(CLI::Range(1, 32));
  cli.add_option("--duration", duration, "seconds the clients play")->capture_default_str()->check(app::finiteRange(3.0, 3600.0));
  cli.add_option("--out", outDir, "where statistics files go")->capture_default_str();
  app::SimOptions sim; // passed to every client, whose link simulator applies it both ways
  app::addSimOptions(cli, sim);
  std::string& logLevel = app::addStandardOptions(cli, "ferrum-demo", "warn"); // also the server's and clients'
  if (int code = 0; !app::parseCommandLine(cli, argc, argv, code)) return code;
  if (std::string error; !app::applyLogLevel(logLevel, error)) {
    std::fprintf(stderr, "ferrum-demo: %s\n", error.c_str());
    return 2;
  }

  const fs::path bin = fs::read_symlink("/proc/self/exe").parent_path();
  const fs::path out = fs::absolute(outDir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "ferrum-demo: cannot create %s: %s\n", out.c_str(), ec.message().c_str());
    return 1;
  }
  const fs::path portFile = out / "server.port";
  fs::remove(portFile, ec);

  // The server outlives the clients: their bots idle for the last 3 s so the crates
  // settle, then the server's final crate states are the reference.
  const double serverDuration = duration + 3;
  std::printf("ferrum demo: 1 server + %d bot clients on 127.0.0.1 for %.0f s (stats in %s)\n", clients, duration,
              out.c_str());
  std::fflush(stdout);
  const pid_t server = launch({(bin / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                               portFile.string(), "--duration", fmt::format("{}", serverDuration), "--status",
                               "--log-level", logLevel, "--stats-json", (out / "server.json").string()});
  if (server < 0) {
    std::fprintf(stderr, "ferrum-demo: cannot start %s\n", (bin / "ferrum-server").c_str());
    return 1;
  }
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) { // up to 10 s
    std::ifstream(portFile) >> port;
    if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (port.empty()) {
    std::fprintf(stderr, "ferrum-demo: the server did not start listening within 10 s\n");
    kill(server, SIGTERM);
    waitFor(server);
    return 1;
  }
  std::vector<pid_t> pids;
  for (int i = 1; i <= clients; ++i) {
    std::vector<std::string> args{(bin / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration",
                                  fmt::format("{}", duration), "--idle-last", "3", "--bot-seed", std::to_string(i),
                                  "--log-level", logLevel, "--stats-json", (out / fmt::format("client-{}.json", i)).string()};
    if (sim.conditions.any()) {
      const ferrum::LinkConditions& c = sim.conditions;
      args.insert(args.end(), {"--sim-latency-ms", fmt::format("{}", c.latencyMs), "--sim-jitter-ms",
                               fmt::format("{}", c.jitterMs), "--sim-loss", fmt::format("{}", c.loss), "--sim-dup",
                               fmt::format("{}", c.duplicate), "--sim-seed", std::to_string(sim.seed + i)});
    }
    pids.push_back(launch(args));
  }
  int failures = 0;
  for (pid_t pid : pids) failures += (pid < 0 || waitFor(pid) != 0) ? 1 : 0;
  failures += waitFor(server) != 0 ? 1 : 0;

  nlohmann::json serverDoc;
  if (!readJson(out / "server.json", serverDoc)) {
    std::fprintf(stderr, "ferrum-demo: no server statistics\n");
    return 1;
  }
  // Printed and kept for the report, which shows the same summary verbatim.
  std::string summary;
  auto say = [&summary](const std::string& text) {
    std::fputs(text.c_str(), stdout);
    summary += text;
  };
  std::printf("\n");
  say(fmt::format("{:<8} {:>4} {:>8} {:>8} {:>9} {:>9} {:>7} {:>8} {:>5} {:>7} {:>6} {:>14}\n", "peer", "slot",
                  "pkts out", "pkts in", "kB out", "kB in", "rtt ms", "entities", "seen", "thrown", "booms",
                  "crate err mm"));
  auto row = [&say](const std::string& name, const nlohmann::json& d, const std::string& err) {
    const auto& c = d["counters"];
    const auto po = c["packetsSent"].get<uint64_t>(), pi = c["packetsReceived"].get<uint64_t>();
    const auto bo = c["bytesSent"].get<uint64_t>(), bi = c["bytesReceived"].get<uint64_t>();
    double rtt = 0;
    for (const auto& p : d["peers"]) rtt = std::max(rtt, p["rttMs"].get<double>());
    const std::string thrown = d.contains("grenadesThrown") ? std::to_string(d["grenadesThrown"].get<int>()) : "-";
    say(fmt::format("{:<8} {:>4} {:>8} {:>8} {:>9.1f} {:>9.1f} {:>7.1f} {:>8} {:>5} {:>7} {:>6} {:>14}\n", name,
                    d["self"].get<int>(), po, pi, static_cast<double>(bo) / 1000, static_cast<double>(bi) / 1000, rtt,
                    d["liveEntities"].get<int>(), d["entitiesSeen"].get<int>(), thrown,
                    d["effects"]["explosion"].get<uint64_t>(), err));
  };
  row("server", serverDoc, "(truth)");
  int tracking = 0;
  std::vector<nlohmann::json> docs{serverDoc};
  std::vector<demo::ClientSeries> series;
  uint64_t thrownTotal = 0;
  std::set<uint64_t> explosionCounts{serverDoc["effects"]["explosion"].get<uint64_t>()};
  for (int i = 1; i <= clients; ++i) {
    nlohmann::json doc;
    if (!readJson(out / fmt::format("client-{}.json", i), doc)) {
      say(fmt::format("client-{}: no statistics (did it start?)\n", i));
      ++failures;
      continue;
    }
    docs.push_back(doc);
    series.push_back(demo::clientSeries(fmt::format("client-{}", i), doc, serverDoc));
    thrownTotal += doc["grenadesThrown"].get<uint64_t>();
    explosionCounts.insert(doc["effects"]["explosion"].get<uint64_t>());
    const CrateError e = crateError(serverDoc, doc);
    const bool ok = e.compared == serverDoc["crates"].size() && e.max < 0.05;
    tracking += ok ? 1 : 0;
    row(fmt::format("client-{}", i), doc,
        fmt::format("{:.1f} / {:.1f}{}", e.median * 1000, e.max * 1000, ok ? "" : " !"));
  }
  const auto& c = serverDoc["counters"];
  say(fmt::format("\ncrate err: median / max distance between the client's final crate positions and the server's "
                  "({} crates).\nserver: {} joined, {} left, {} timed out, {} refused; {} client blocks forwarded.\n",
                  serverDoc["crates"].size(), c["clientsJoined"].get<uint64_t>(), c["clientsLeft"].get<uint64_t>(),
                  c["clientsTimedOut"].get<uint64_t>(), c["connectionsRefused"].get<uint64_t>(),
                  c["blocksForwarded"].get<uint64_t>()));
  say(fmt::format("{} of {} clients track the server's crates within 5 cm.{}\n", tracking, clients,
                  failures ? " Some process failed (see above)." : ""));
  const bool explosionsAgree = explosionCounts.size() == 1 && *explosionCounts.begin() == thrownTotal;
  say(fmt::format("grenades thrown: {}; explosions seen per peer: {}\n", thrownTotal,
                  explosionsAgree ? "all equal to the grenades thrown" : "DIFFER (see the booms column)"));

  std::vector<double> delays = app::LatencyProbe::delaysMs(docs);
  if (!delays.empty()) {
    std::sort(delays.begin(), delays.end());
    auto pct = [&](double p) { return delays[std::min(delays.size() - 1, static_cast<size_t>(p * static_cast<double>(delays.size())))]; };
    say(fmt::format("owner -> server -> other client delay of player updates over loopback: median {:.3f} ms, "
                    "p99 {:.3f} ms, max {:.3f} ms ({} samples)\n",
                    pct(0.5), pct(0.99), delays.back(), delays.size()));
  }

  demo::ReportInput report{clients, duration, serverDoc.value("tickHz", 60), summary, std::move(series), {}};
  report.plots = demo::drawPlots(out, report.series);
  std::string reportError;
  const fs::path reportPath = demo::writeReport(out, report, reportError);
  if (reportPath.empty()) {
    std::fprintf(stderr, "ferrum-demo: %s\n", reportError.c_str());
    ++failures;
  } else {
    std::printf("\nreport: %s\n", reportPath.c_str());
    for (const demo::Plot& p : report.plots.drawn) std::printf("  plot: %s  (%s)\n", (out / p.file).c_str(), p.title.c_str());
  }
  if (!report.plots.error.empty()) std::printf("  no plots: %s\n", report.plots.error.c_str());
  return failures == 0 && tracking == clients && explosionsAgree ? 0 : 1;
}
