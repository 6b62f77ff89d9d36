#pragma once
// `ferrum-bench view-error`: every (RTT, loss) condition x every view mode, a table on
// stdout, optional JSON and gnuplot plots.

#include <string>
#include <vector>

#include "view_error.h"

namespace ferrum::bench {

struct ViewErrorCommand {
  ViewErrorOptions run;
  std::vector<float> rttMs{0, 50, 100, 200};
  std::vector<float> lossPercent{0, 5, 20};
  std::vector<std::string> modes{"default", "raw", "interpolate", "extrapolate", "predict"};
  std::string json;
  std::string plotsDir;
  float plotRttMs = 100;      ///< the condition whose runs are plotted over time
  float plotLossPercent = 5;
  unsigned threads = 2;       ///< runs are independent: spread them over the cores
  bool quiet = false;
};

/// 0: every run finished with finite figures; 1: some did not; 2: usage or I/O error.
int runViewErrorCommand(const ViewErrorCommand& cmd);

} // namespace ferrum::bench
