#include "net/join_budget.h"

#include <algorithm>
#include <cmath>

namespace ferrum {

namespace {
constexpr double kGrowth = 1.25; // per send period at most: from 128 to 2048 in 13 (26 ticks at 60 / 30 Hz)
constexpr double kShrink = 0.6;  // per send period over the target: back to the floor within a few
} // namespace

int nextSpawnBudget(int current, const JoinBudgetSample& sample, const JoinBudgetBounds& bounds) {
  const int floor = std::max(1, bounds.minSpawns);
  const int ceiling = std::max(floor, bounds.maxSpawns); // a ceiling under the floor: a fixed budget
  if (!sample.joining) return floor; // the next join starts cautious
  const double budget = std::clamp(static_cast<double>(current), static_cast<double>(floor), static_cast<double>(ceiling));
  const double busy = sample.busySeconds;
  const double spawns = sample.spawnSeconds;
  const double target = bounds.targetSeconds;
  auto trusted = [](double seconds) { return seconds >= 0 && std::isfinite(seconds); };
  // Grows by the room left, at most kGrowth: a tick at half its target doubles no faster than this.
  auto grown = [&](double room) { return sample.usedAll ? budget * std::min(kGrowth, room) : budget; };
  double next = budget * kShrink; // over, or a measurement not to act on: give the tick its time back
  const double wait = sample.stepWaitSeconds;
  if (trusted(busy) && trusted(spawns) && trusted(wait) && spawns <= busy && wait <= busy && target > 0) {
    const double own = busy - wait; // the tick's own thread, without waiting for the step
    const bool stepSetsTheLength = own <= target;
    const bool keepingUp = busy <= bounds.tickSeconds;
    const bool behindWithoutJoins = busy - spawns > bounds.tickSeconds; // the spawn pass excluded
    if (busy <= target) next = grown(busy > 0 ? target / busy : kGrowth);
    else if (stepSetsTheLength && keepingUp) next = grown(own > 0 ? target / own : kGrowth);
    else if (behindWithoutJoins && bounds.behindSeconds > 0 && spawns <= bounds.behindSeconds)
      next = grown(spawns > 0 ? bounds.behindSeconds / spawns : kGrowth);
    // Late because of the step, with the spawns within the share a server behind may
    // give them: they did not make it longer; held, not cut. Over that share (or with
    // none), shrunk as before: spawn work can still slow the step when cores are short.
    else if (stepSetsTheLength && spawns <= bounds.behindSeconds) next = budget;
  }
  return static_cast<int>(std::clamp(std::floor(next), static_cast<double>(floor), static_cast<double>(ceiling)));
}

} // namespace ferrum
