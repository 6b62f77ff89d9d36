#pragma once
// Draws the report's PNG plots with gnuplot: writes one data file per client and a
// gnuplot script into the output folder, then runs the `gnuplot` binary on it.

#include <filesystem>
#include <string>
#include <vector>

#include "apps/ferrum-demo/series.h"

namespace demo {

struct Plot {
  std::string file;  ///< PNG file name, relative to the output folder
  std::string title; ///< what it shows, for the report
};

struct PlotResult {
  std::vector<Plot> drawn; ///< only PNGs gnuplot actually wrote (non-empty)
  std::string error;       ///< why some or all are missing ("" if none is)
};

/// The plots the report wants, in order.
std::vector<Plot> plannedPlots();

/// Writes plot-data/*.dat and plots.gp into `dir`, runs gnuplot (its output goes to
/// plot-data/gnuplot.log). With no gnuplot on PATH nothing is drawn and `error` says so.
PlotResult drawPlots(const std::filesystem::path& dir, const std::vector<ClientSeries>& clients);

} // namespace demo
