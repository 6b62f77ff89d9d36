#include "net/join_budget.h"

#include <algorithm>
#include <cmath>

namespace ferrum {

namespace {
constexpr double kGrowth = 1.25; // per tick at most: from 128 to 2048 in 13 ticks
constexpr double kShrink = 0.6;  // per tick over the target: back to the floor within a few
} // namespace

int nextSpawnBudget(int current, const JoinBudgetSample& sample, const JoinBudgetBounds& bounds) {
  const int floor = std::max(1, bounds.minSpawns);
  const int ceiling = std::max(floor, bounds.maxSpawns); // a ceiling under the floor: a fixed budget
  if (!sample.joining) return floor; // the next join starts cautious
  const double budget = std::clamp(static_cast<double>(current), static_cast<double>(floor), static_cast<double>(ceiling));
  const double busy = sample.busySeconds;
  const double target = bounds.targetSeconds;
  double next = budget;
  if (!(busy >= 0 && std::isfinite(busy)) || !(target > 0) || busy > target) {
    next = budget * kShrink; // over, or a measurement not to act on: give the tick its time back
  } else if (sample.usedAll) {
    // Grow by the room left, at most kGrowth: a tick at half its target doubles no faster than this.
    const double room = busy > 0 ? target / busy : kGrowth;
    next = budget * std::min(kGrowth, room);
  }
  return static_cast<int>(std::clamp(std::floor(next), static_cast<double>(floor), static_cast<double>(ceiling)));
}

} // namespace ferrum
