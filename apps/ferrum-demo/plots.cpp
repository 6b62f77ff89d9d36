#include "apps/ferrum-demo/plots.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace fs = std::filesystem;

namespace demo {

namespace {

fs::path findOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

/// Exit code of `exe script` with stdout and stderr into `log`; -1 if it did not start.
int run(const fs::path& exe, const fs::path& script, const fs::path& log) {
  std::string a0 = exe.string(), a1 = script.string();
  char* argv[] = {a0.data(), a1.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// gnuplot reads strings in single quotes literally, except for doubled quotes.
std::string quoted(const fs::path& p) {
  std::string s = p.string(), out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void writeData(const fs::path& file, const ClientSeries& c) {
  std::ofstream out(file);
  out << "# " << c.name << ": time_s kbit_in kbit_out rtt_ms crate_rms_error_mm (NaN: no server sample near) "
         "tick_gap (client tick - matched server tick) view_age_ticks\n";
  for (const SeriesPoint& p : c.points)
    out << fmt::format("{:.3f} {:.2f} {:.2f} {:.2f} {} {} {}\n", p.time, p.kbitIn, p.kbitOut, p.rttMs,
                       p.hasError ? fmt::format("{:.3f}", p.errorMm) : "NaN", p.tickGap, p.viewAgeTicks);
}

std::string script(const fs::path& dir, const std::vector<fs::path>& data, const std::vector<ClientSeries>& clients) {
  std::string s;
  s += "set terminal pngcairo size 1100,650 enhanced font 'sans,11'\n";
  s += "set grid\nset key outside right top box\nset datafile missing 'NaN'\n";
  s += "set xlabel 'match time (s, server tick / tick rate)'\n";
  // One colour per client across every plot, so a line can be followed from plot to plot.
  auto plot = [&](int column, const std::string& style) {
    std::string cmd = "plot ";
    for (size_t i = 0; i < data.size(); ++i)
      cmd += fmt::format("{}{} using 1:{} with {} lc {} lw 2 title '{}'", i ? ", \\\n     " : "", quoted(data[i]),
                         column, style, i + 1, clients[i].name);
    return cmd + "\n";
  };
  s += fmt::format("set output {}\n", quoted(dir / "bandwidth.png"));
  s += "set multiplot layout 2,1 title 'Bandwidth per client (application payload, per second of ticks)' font ',13'\n";
  s += "set title 'received by the client (server -> client)'\nset ylabel 'kbit/s'\nset yrange [0:*]\n";
  s += plot(2, "lines");
  s += "set title 'sent by the client (client -> server)'\n";
  s += plot(3, "lines");
  s += "unset multiplot\n";
  s += fmt::format("set output {}\n", quoted(dir / "rtt.png"));
  s += "set title 'Round-trip time to the server, per client (ENet''s estimate, whole ms)' font ',13'\n";
  s += "set ylabel 'RTT (ms)'\nset yrange [0:*]\n";
  s += plot(4, "linespoints pt 7 ps 0.6");
  s += fmt::format("set output {}\n", quoted(dir / "position-error.png"));
  s += "set title 'Crate position error per client: RMS distance from the server''s crates at the same tick' "
       "font ',13'\n";
  s += "set ylabel 'RMS error (mm)'\nset yrange [0:*]\n";
  s += plot(5, "linespoints pt 7 ps 0.6");
  s += "unset output\n";
  return s;
}

} // namespace

std::vector<Plot> plannedPlots() {
  return {{"bandwidth.png", "Bandwidth per client over time (kbit/s, received and sent)"},
          {"rtt.png", "Round-trip time per client over time (ms)"},
          {"position-error.png", "Crate position error per client over time (RMS, mm)"}};
}

PlotResult drawPlots(const fs::path& dir, const std::vector<ClientSeries>& clients) {
  PlotResult result;
  const fs::path dataDir = dir / "plot-data";
  std::error_code ec;
  fs::create_directories(dataDir, ec);
  std::vector<fs::path> data;
  for (const ClientSeries& c : clients) {
    data.push_back(dataDir / (c.name + ".dat"));
    writeData(data.back(), c);
  }
  const fs::path gp = dataDir / "plots.gp";
  std::ofstream(gp) << script(dir, data, clients);
  for (const Plot& p : plannedPlots()) fs::remove(dir / p.file, ec); // no stale plots from an earlier run

  const fs::path gnuplot = findOnPath("gnuplot");
  if (gnuplot.empty()) {
    result.error = "gnuplot not found on PATH, so no plots were drawn (Debian: apt-get install gnuplot-nox; "
                   "scripts/setup.sh installs it). The data and the script are in " + dataDir.string() + ".";
    return result;
  }
  const int code = run(gnuplot, gp, dataDir / "gnuplot.log");
  for (const Plot& p : plannedPlots())
    if (fs::file_size(dir / p.file, ec) > 0 && !ec) result.drawn.push_back(p);
  if (code != 0 || result.drawn.size() != plannedPlots().size())
    result.error = fmt::format("gnuplot exited with {}{}; see {}", code,
                               code == -1 ? " (could not start it)" : "", (dataDir / "gnuplot.log").string());
  return result;
}

} // namespace demo
