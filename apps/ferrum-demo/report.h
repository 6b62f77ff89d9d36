#pragma once
// Writes out/demo/report.md: the run's summary, per-client figures over time, the
// plots (see plots.h) and how the position error is measured.

#include <filesystem>
#include <string>
#include <vector>

#include "apps/ferrum-demo/plots.h"
#include "apps/ferrum-demo/series.h"

namespace demo {

struct ReportInput {
  int clients = 0;
  double duration = 0;       ///< s the clients played
  int tickHz = 60;
  std::string summary;       ///< the table and lines ferrum-demo printed, verbatim
  std::vector<ClientSeries> series;
  PlotResult plots;
};

/// Writes `dir/report.md`; returns its path, or "" (and `error`) on failure.
std::filesystem::path writeReport(const std::filesystem::path& dir, const ReportInput& in, std::string& error);

} // namespace demo
