#pragma once
// Where ferrum-bench gets its world states: a recorded stream in the 2015 challenge
// layout, or the live Bullet cube scenario. Both yield quantized states plus the
// exact poses they came from (z up), so errors after decode can be measured.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ferrum/snapshot_codec.h"

namespace ferrum::bench {

struct Frame {
  std::vector<snapshot::CubeState> states; ///< what every encoder starts from
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

/// Scenario parameters, fixed before any measurement (docs/benchmarks.md lists them).
struct CubeScenarioParams {
  int gridSide = 30;            ///< 30 x 30 = 900 small cubes
  float cubeSize = 0.4f;        ///< m, edge
  float spacing = 1.0f;         ///< m between grid centres
  float cubeMass = 1.0f;        ///< kg
  float playerSize = 1.5f;      ///< m, edge
  float playerMass = 40.0f;     ///< kg
  float playerAccel = 15.0f;    ///< m/s^2 of horizontal push while below maxSpeed
  float playerMaxSpeed = 6.0f;  ///< m/s
  float hopSpeed = 4.0f;        ///< m/s upward kick every hopEverySeconds
  float hopEverySeconds = 4.0f;
  float waypointSeconds = 3.0f; ///< a new pseudo-random target at least this often
  unsigned seed = 2015;
  double hz = 60;
};

std::unique_ptr<FrameSource> makeCubeScenario(const CubeScenarioParams& params);

} // namespace ferrum::bench
