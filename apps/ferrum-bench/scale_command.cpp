#include "scale_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "apps/common/stats_json.h"
#include "ferrum/net_config.h"
#include "scale_plots.h"

namespace ferrum::bench {

namespace {

void printHeader() {
  std::printf("%7s %6s %6s %6s %6s %8s %8s %6s %6s %7s %7s %8s %7s %8s %7s %7s %8s %8s %8s %6s\n", "clients", "bodies",
              "spread", "ticks", "worst", "tick us", "p99 us", "srvCPU", "botCPU", "joined", "tmouts", "world s",
              "down kb", "down pps", "fwd pps", "up kb", "up pps", "fwd ms", "RSS MiB", "held");
}

void printRow(const nlohmann::json& j) {
  std::printf("%7d %6d %6.1f %5.1f%% %6d %8.0f %8.0f %5.0f%% %5.0f%% %3d/%-3d %7d %8.2f %7.0f %8.0f %7.0f %7.1f %8.1f %8.3f "
              "%8.0f %6.0f\n",
              j["clients"].get<int>(), j["bodies"].get<int>(), j["join_spread_seconds"].get<double>(),
              100 * j["tick_ratio"].get<double>(), j["worst_second_ticks"].get<int>(),
              j["server_tick_cpu_us_median"].get<double>(), j["server_tick_cpu_us_p99"].get<double>(),
              100 * j["server_thread_cpu_share"].get<double>(), 100 * j["bots_cpu_share"].get<double>(),
              j["joined"].get<int>(), j["clients"].get<int>(), j["timeouts"].get<int>(),
              j["world_complete_s_max"].get<double>(), j["down_kbps"].get<double>(), j["down_pps"].get<double>(),
              j["forwarded_pps"].get<double>(), j["up_kbps"].get<double>(), j["up_pps"].get<double>(),
              j["forward_latency_ms_median"].get<double>(), j["rss_kib_end"].get<double>() / 1024.0,
              j.value("held_entities_mean", 0.0));
  std::fflush(stdout);
}

} // namespace

int runScaleCommand(const ScaleCommand& cmd) {
  if (!cmd.fromJson.empty()) {
    std::ifstream in(cmd.fromJson);
    const nlohmann::json saved = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    if (!saved.is_object() || !saved.contains("cells")) {
      std::fprintf(stderr, "ferrum-bench scale: %s is not a scale report\n", cmd.fromJson.c_str());
      return 2;
    }
    printHeader();
    for (const auto& cell : saved["cells"]) printRow(cell);
    return cmd.plotsDir.empty() || writeScalePlots(saved["cells"], cmd.plotsDir) ? 0 : 2;
  }
  nlohmann::json report;
  report["protocol"] = protocolVersion();
  report["forward_window_ms"] = cmd.cell.forwardWindowMs >= 0 ? cmd.cell.forwardWindowMs : NetConfig{}.forwardWindowMs;
  report["arena"] = cmd.cell.largeArena ? "large" : "demo";
  report["cells"] = nlohmann::json::array();
  const size_t total = cmd.clients.size() * cmd.bodies.size();
  size_t index = 0;
  printHeader();
  for (int bodies : cmd.bodies) {
    for (int clients : cmd.clients) {
      ScaleCellOptions o = cmd.cell;
      o.clients = clients;
      o.bodies = bodies;
      ++index;
      std::fprintf(stderr, "ferrum-bench scale: cell %zu/%zu: %d clients, %d bodies, join spread %.1f s, %.0f s measured...\n",
                   index, total, clients, bodies, o.joinSpreadSeconds, o.seconds);
      std::string error;
      nlohmann::json cell = runScaleCell(o, error);
      if (cell.is_null()) {
        std::fprintf(stderr, "ferrum-bench scale: %s\n", error.c_str());
        return 1;
      }
      std::fprintf(stderr, "ferrum-bench scale: cell %zu/%zu: %.1f%% of ticks, %d/%d joined, %d timeouts, server CPU %.0f%%\n",
                   index, total, 100 * cell["tick_ratio"].get<double>(), cell["joined"].get<int>(), clients,
                   cell["timeouts"].get<int>(), 100 * cell["server_thread_cpu_share"].get<double>());
      printRow(cell);
      report["cells"].push_back(cell);
    }
  }
  std::printf("(ticks: achieved / expected in the window; worst: ticks in its worst second; tick us: server CPU per tick,"
              " median and p99; srvCPU / botCPU: share of one core used by the server (its thread and its physics thread) / all bot threads;"
              " world s: slowest client's connect-to-whole-world time; per-client kbit/s and packets/s of payload;"
              " fwd pps: forwarded state packets per client per second; fwd ms: owner -> server -> other client median; held: entities a client holds at the end, mean)\n");
  // Where the results go was checked before the run (exit 2); failing to write them now
  // is a runtime failure (exit 1): the run happened, its report did not get written.
  if (!cmd.plotsDir.empty() && !writeScalePlots(report["cells"], cmd.plotsDir)) return 1;
  if (std::string error; !cmd.json.empty() && !app::writeJson(cmd.json, report, error)) {
    std::fprintf(stderr, "ferrum-bench scale: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

} // namespace ferrum::bench
