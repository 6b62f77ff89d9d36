#include "ferrum/log.h"
#include "view_error_command.h"
#include "apps/common/stats_json.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace ferrum::bench {
namespace {

nlohmann::json toJson(const ViewErrorResult& r) {
  return {{"rtt_ms", r.c.rttMs},
          {"loss", r.c.loss},
          {"mode", modeLabel(r.c)},
          {"rms_cm", r.rmsCm},
          {"p99_cm", r.p99Cm},
          {"rms_crates_cm", r.rmsCrateCm},
          {"rms_grenades_cm", r.rmsGrenadeCm},
          {"rms_players_cm", r.rmsPlayerCm},
          {"rms_now_cm", r.rmsNowCm},
          {"rms_crates_now_cm", r.rmsCrateNowCm},
          {"rms_players_now_cm", r.rmsPlayerNowCm},
          {"rms_grenades_now_cm", r.rmsGrenadeNowCm},
          {"max_cm", r.maxCm},
          {"snaps_per_minute", r.snapsPerMinute},
          {"added_delay_ms", r.delayMs},
          {"kbps_received", r.kbps},
          {"samples", r.samples},
          {"missing_samples", r.missing},
          {"grenades_thrown", r.grenades}};
}

bool finite(const ViewErrorResult& r) {
  return std::isfinite(r.rmsCm) && std::isfinite(r.p99Cm) && std::isfinite(r.snapsPerMinute) &&
         std::isfinite(r.delayMs) && std::isfinite(r.kbps);
}

void printTable(const std::vector<ViewErrorResult>& results) {
  std::printf("%7s %6s %-12s %8s %8s %8s %8s %8s | %8s %8s %8s | %9s %8s %8s %8s\n", "RTT ms", "loss %", "mode", "RMS cm",
              "p99 cm", "crates", "players", "grenades", "now RMS", "crates", "players", "snaps/min", "delay ms", "kbit/s",
              "samples");
  for (const auto& r : results)
    std::printf("%7.0f %6.0f %-12s %8.2f %8.2f %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f | %9.2f %8.1f %8.1f %8llu\n",
                r.c.rttMs, 100 * r.c.loss, modeLabel(r.c), r.rmsCm, r.p99Cm, r.rmsCrateCm, r.rmsPlayerCm, r.rmsGrenadeCm,
                r.rmsNowCm, r.rmsCrateNowCm, r.rmsPlayerNowCm, r.snapsPerMinute, r.delayMs, r.kbps,
                static_cast<unsigned long long>(r.samples));
}

/// One data file per plotted run, one PNG per mode (RMS and worst entity per tick) and
/// one with every mode's RMS together, drawn by a generated gnuplot script.
bool writePlots(const std::vector<const ViewErrorResult*>& runs, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::ofstream script(fs::path(dir) / "view_error.gp");
  script << "set terminal pngcairo size 900,420\nset grid\nset xlabel 'time (s)'\nset ylabel 'error (cm)'\n";
  std::string all;
  for (const ViewErrorResult* r : runs) {
    const std::string mode = modeLabel(r->c);
    std::ofstream data(fs::path(dir) / ("view_error_" + mode + ".dat"));
    data << "# time_s rms_cm max_cm\n";
    // Ticks where nothing moved have no error to show: NaN leaves a gap instead of a fake 0.
    for (const auto& t : r->series)
      if (t.maxCm > 0) data << t.time << ' ' << t.rmsCm << ' ' << t.maxCm << '\n';
      else data << t.time << " NaN NaN\n";
    const std::string title = mode + ", " + std::to_string(static_cast<int>(r->c.rttMs)) + " ms RTT, " +
                              std::to_string(static_cast<int>(std::lround(100 * r->c.loss))) + " % loss";
    script << "set output 'view_error_" << mode << ".png'\nset title '" << title << "'\n"
           << "plot 'view_error_" << mode << ".dat' using 1:3 with lines lc rgb '#bbbbbb' title 'worst entity', "
           << "'' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'RMS over moving entities'\n";
    // Appended piece by piece: one long operator+ chain trips GCC 12's -Wrestrict.
    all.append(all.empty() ? "plot " : ", ");
    all.append("'view_error_").append(mode).append(".dat' using 1:2 with lines title '").append(mode).append("'");
  }
  script << "set output 'view_error_modes.png'\nset title 'RMS error of moving entities, every mode'\nset logscale y\nset key outside\n"
         << all << "\n";
  script.close();
  const std::string command = "cd '" + dir + "' && gnuplot view_error.gp";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "ferrum-bench: gnuplot failed (script and data are in %s)\n", dir.c_str());
    return false;
  }
  return true;
}

} // namespace

int runViewErrorCommand(const ViewErrorCommand& cmd) {
  std::vector<ViewErrorCase> cases;
  for (float rtt : cmd.rttMs)
    for (float loss : cmd.lossPercent)
      for (const auto& name : cmd.modes) {
        ViewErrorCase c{rtt, loss / 100, std::nullopt};
        if (!parseViewModeChoice(name, c.mode)) {
          std::fprintf(stderr, "ferrum-bench view-error: unknown mode '%s' (default, raw, interpolate, extrapolate, predict)\n",
                       name.c_str());
          return 2;
        }
        cases.push_back(c);
      }
  spdlog::set_level(spdlog::level::warn); // a spawn per grenade would drown the table
  ferrum::setLogLevel(ferrum::LogLevel::Warn);

  // Each run is its own server, clients and clock: independent, so workers take the
  // next case from a shared counter and the results land in case order (deterministic).
  std::vector<ViewErrorResult> results(cases.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex progressMutex;
  const bool progress = !cmd.quiet;
  auto worker = [&] {
    for (size_t i; (i = next++) < cases.size();) {
      ViewErrorOptions o = cmd.run;
      const ViewErrorCase& c = cases[i];
      o.keepSeries = !cmd.plotsDir.empty() && c.rttMs == cmd.plotRttMs && std::lround(100 * c.loss) == std::lround(cmd.plotLossPercent);
      results[i] = runViewError(c, o);
      if (progress) {
        std::lock_guard lock(progressMutex);
        std::fprintf(stderr, "\rferrum-bench view-error: %zu/%zu runs (last: %.0f ms, %.0f %%, %s)      ", ++done,
                     cases.size(), c.rttMs, 100 * c.loss, modeLabel(c));
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, cmd.threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (progress) std::fprintf(stderr, "\n");

  std::printf("view error: %.0f s measured per run after %.0f s warm-up, %.0f ms jitter, seed %u; errors over "
              "crates, players and grenades moving within the last second, against the truth at the server time "
              "shown (left) and now (right of the bar)\n\n",
              cmd.run.seconds, cmd.run.warmupSeconds, cmd.run.jitterMs, cmd.run.seed);
  printTable(results);

  bool ok = true;
  nlohmann::json report;
  report["seconds"] = cmd.run.seconds;
  report["warmup_seconds"] = cmd.run.warmupSeconds;
  report["jitter_ms"] = cmd.run.jitterMs;
  report["seed"] = cmd.run.seed;
  for (const auto& r : results) {
    ok = ok && finite(r) && r.samples > 0;
    report["runs"].push_back(toJson(r));
  }
  if (std::string error; !cmd.json.empty() && !app::writeJson(cmd.json, report, error)) {
    std::fprintf(stderr, "ferrum-bench view-error: %s\n", error.c_str());
    return 1; // the runs happened, their report did not get written (README, exit codes)
  }
  if (!cmd.plotsDir.empty()) {
    std::vector<const ViewErrorResult*> plotted;
    for (const auto& r : results)
      if (!r.series.empty()) plotted.push_back(&r);
    if (plotted.empty())
      std::fprintf(stderr, "ferrum-bench: no run at %.0f ms RTT, %.0f %% loss to plot\n", cmd.plotRttMs,
                   cmd.plotLossPercent);
    else if (!writePlots(plotted, cmd.plotsDir))
      return 2;
  }
  return ok ? 0 : 1;
}

} // namespace ferrum::bench
