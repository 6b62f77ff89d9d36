#pragma once
// gnuplot curves of `ferrum-bench scale` cells against the client count, one curve per
// body count: the server's CPU per tick, the tick rate achieved, per-client traffic
// down and forwarded packets per client.

#include <string>

#include <nlohmann/json.hpp>

namespace ferrum::bench {

/// Writes scale.dat and scale.gp into `dir` and runs gnuplot there (PNGs beside them).
/// False (and a message on stderr) if a file cannot be written or gnuplot fails.
bool writeScalePlots(const nlohmann::json& cells, const std::string& dir);

} // namespace ferrum::bench
