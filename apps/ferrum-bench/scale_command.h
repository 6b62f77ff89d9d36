#pragma once
// `ferrum-bench scale`: the matrix of clients x bodies (each a scale_cell.h cell), a
// progress line per cell on stderr, a table on stdout, optional JSON.

#include <string>
#include <vector>

#include "scale_cell.h"

namespace ferrum::bench {

struct ScaleCommand {
  std::vector<int> clients{4, 16, 32, 64};
  std::vector<int> bodies{50, 500, 2000};
  ScaleCellOptions cell; ///< clients and bodies are overwritten per cell
  std::string json;
  std::string plotsDir; ///< gnuplot PNGs of the cells here (scale_plots.h)
  std::string fromJson; ///< no run: the table and plots of an earlier run's --json
};

/// 0: every cell ran (whatever it measured); 1: a cell could not start; 2: I/O error.
int runScaleCommand(const ScaleCommand& cmd);

} // namespace ferrum::bench
