#include "scale_plots.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace ferrum::bench {

bool writeScalePlots(const nlohmann::json& cells, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code created;
  fs::create_directories(dir, created); // checked before the run; a failure now shows as a failed write below
  // One data block per body count (gnuplot's `index`), rows by client count.
  std::map<int, std::map<int, const nlohmann::json*>> byBodies;
  for (const auto& c : cells) byBodies[c["bodies"].get<int>()][c["clients"].get<int>()] = &c;
  std::ofstream data(fs::path(dir) / "scale.dat");
  data << "# clients tick_ratio tick_cpu_us_median tick_cpu_us_p99 down_kbps forwarded_pps world_complete_s_max "
          "forward_ms_median\n";
  for (const auto& [bodies, rows] : byBodies) {
    data << "# bodies " << bodies << "\n";
    for (const auto& [clients, c] : rows)
      data << clients << ' ' << (*c)["tick_ratio"].get<double>() << ' ' << (*c)["server_tick_cpu_us_median"].get<double>()
           << ' ' << (*c)["server_tick_cpu_us_p99"].get<double>() << ' ' << (*c)["down_kbps"].get<double>() << ' '
           << (*c)["forwarded_pps"].get<double>() << ' ' << (*c)["world_complete_s_max"].get<double>() << ' '
           << (*c)["forward_latency_ms_median"].get<double>() << '\n';
    data << "\n\n";
  }
  data.close();
  std::ofstream gp(fs::path(dir) / "scale.gp");
  gp << "set terminal pngcairo size 800,420\nset grid\nset xlabel 'clients'\nset logscale x 2\nset key left top\n";
  auto plot = [&](const char* file, const char* title, const char* ylabel, int column, bool logY) {
    gp << "set output '" << file << "'\nset title '" << title << "'\nset ylabel '" << ylabel << "'\n"
       << (logY ? "set logscale y\n" : "unset logscale y\n") << "plot ";
    int index = 0;
    for (const auto& [bodies, rows] : byBodies) {
      gp << (index ? ", " : "") << "'scale.dat' index " << index << " using 1:" << column
         << " with linespoints lw 2 title '" << bodies << " bodies'";
      ++index;
    }
    gp << "\n";
  };
  plot("scale_tick_cpu.png", "server CPU per tick (median)", "microseconds", 3, true);
  plot("scale_tick_ratio.png", "ticks achieved / expected", "ratio", 2, false);
  plot("scale_down_kbps.png", "payload down per client", "kbit/s", 5, true);
  plot("scale_forwarded_pps.png", "forwarded state packets per client", "packets/s", 6, true);
  gp.close();
  if (!data || !gp) {
    std::fprintf(stderr, "ferrum-bench scale: cannot write the plot files in %s\n", dir.c_str());
    return false;
  }
  const std::string command = "cd '" + dir + "' && gnuplot scale.gp";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "ferrum-bench scale: gnuplot failed (script and data are in %s)\n", dir.c_str());
    return false;
  }
  return true;
}

} // namespace ferrum::bench
