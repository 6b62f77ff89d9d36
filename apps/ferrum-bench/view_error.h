#pragma once
// The view-error benchmark: how far what a client shows is from the truth.
//
// One run: a server (the demo arena, 50 crates) and two bot clients that throw
// grenades, all in one process over MemoryNetwork wrapped by LinkSimulator, on one
// simulated clock. Client A observes: every tick, for each crate, grenade and player A
// is not the authority for, its displayTransform() is compared with the authority's
// body at the same simulated time (the clock is shared, so no tick mapping is needed).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferrum/remote_view.h"

namespace ferrum::bench {

struct ViewErrorCase {
  float rttMs = 100;
  float loss = 0.05f; ///< 0..1, each direction
  std::optional<ViewMode> mode; ///< unset: each type's own default (EntityType::viewMode)
};

/// "default" or the mode's name.
const char* modeLabel(const ViewErrorCase& c);

struct ViewErrorOptions {
  double seconds = 60;       ///< measured, after the warm-up
  double warmupSeconds = 3;  ///< crates land, the clock estimate settles
  float jitterMs = 10;       ///< each direction, uniform in [0, jitterMs]
  uint32_t seed = 1;         ///< link simulators and bots
  bool keepSeries = false;   ///< record the per-tick error (for plots)
};

/// Error of the shown positions at one tick, over the entities that count.
struct ViewErrorTick {
  double time;  ///< s since the measurement started
  double rmsCm;
  double maxCm;
};

/// Errors are measured two ways. "At the shown time" (the metric): against
/// the truth at the server time the view claims to show, by the observer's clock
/// estimate: the present, or for interpolation the present minus its delay, which is
/// reported on its own as the added delay. "Now": against the truth at this moment,
/// which counts interpolation's delay (and any view's lag) as error too.
struct ViewErrorResult {
  ViewErrorCase c;
  double rmsCm = 0;        ///< over every (entity, tick) sample, at the shown time
  double rmsCrateCm = 0;   ///< the same, crates only (server-owned, one hop)
  double rmsGrenadeCm = 0; ///< grenades only (the other bot's: two hops, via the server)
  double rmsPlayerCm = 0;  ///< the other bot's player (two hops, via the server)
  double rmsNowCm = 0;     ///< every sample, against the truth now
  double rmsCrateNowCm = 0;
  double rmsPlayerNowCm = 0;
  double rmsGrenadeNowCm = 0;
  double p99Cm = 0;        ///< at the shown time
  double maxCm = 0;
  double snapsPerMinute = 0;
  double delayMs = 0;      ///< mean added delay of what is shown (interpolation delay, per sample)
  double kbps = 0;         ///< received by the observer, all channels
  uint64_t samples = 0;
  uint64_t missing = 0;    ///< samples the observer did not have yet (spawn still on the way)
  uint64_t grenades = 0;   ///< thrown by both bots during the measurement
  std::vector<ViewErrorTick> series; ///< when keepSeries
};

ViewErrorResult runViewError(const ViewErrorCase& c, const ViewErrorOptions& o);

} // namespace ferrum::bench
