#pragma once
// Where ferrum-bench gets its world states: a recorded stream in the 2015 challenge
// layout, or the live Bullet cube scenario. Both yield quantized states plus the
// exact poses they came from (z up), so errors after decode can be measured.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cube_state.h"
#include "game/cubes_params.h"

namespace ferrum::bench {

struct Frame {
  std::vector<CubeState> states;     ///< what every encoder starts from
  std::vector<Transform> poses;            ///< exact poses (z up, metres)
};

class FrameSource {
public:
  virtual ~FrameSource() = default;
  /// Fills `frame` with the next world state; false at the end or on a read error.
  virtual bool next(Frame& frame) = 0;
  /// Empty unless reading failed (truncated file, bad zstd data).
  virtual std::string error() const { return {}; }
  virtual std::string describe() const = 0;
};

/// Opens a challenge-layout stream (zstd-compressed or raw, detected by magic).
/// Returns nullptr and sets `why` when the file cannot be opened.
std::unique_ptr<FrameSource> openRecording(const std::string& path, std::string& why);

/// Scenario parameters, fixed before any measurement (docs/benchmarks.md lists them);
/// shared with the live scenario (`ferrum-server --scenario cubes`).
using CubeScenarioParams = game::CubesParams;

std::unique_ptr<FrameSource> makeCubeScenario(const CubeScenarioParams& params);

} // namespace ferrum::bench
