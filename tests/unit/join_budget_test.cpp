// The adaptive join budget (nextSpawnBudget): within [spawnsPerTick, maxSpawnsPerTick]
// whatever the measurements say, growing only while the ticks have room and the
// budget was the limit, shrinking when a tick runs over, back at the floor between
// joins. Fed made-up measurements: no clock is read here.

#include <gtest/gtest.h>

#include <limits>

#include "net/join_budget.h"

using namespace ferrum;

namespace {

const JoinBudgetBounds kBounds{128, 2048, 0.008};

JoinBudgetSample joining(double busySeconds, bool usedAll = true) { return {true, usedAll, busySeconds}; }

// The budget after `periods` send periods that each measured `sample`.
int afterPeriods(int budget, const JoinBudgetSample& sample, const JoinBudgetBounds& bounds, int periods = 100) {
  for (int period = 0; period < periods; ++period) budget = nextSpawnBudget(budget, sample, bounds);
  return budget;
}

// One period's growth from 1000 was real and at most by `room`.
void expectGrowthWithin(int next, double room) {
  EXPECT_GT(next, 1000);
  EXPECT_LE(next, static_cast<int>(1000 * room));
}

} // namespace

TEST(JoinBudget, GrowsWhileTicksHaveRoomUpToTheCeilingAndNoFurther) {
  int budget = kBounds.minSpawns;
  int previous = budget;
  for (int tick = 0; tick < 100; ++tick) {
    budget = nextSpawnBudget(budget, joining(0.001), kBounds);
    EXPECT_GE(budget, previous);
    EXPECT_LE(budget, kBounds.maxSpawns);
    previous = budget;
  }
  EXPECT_EQ(budget, kBounds.maxSpawns);
}

TEST(JoinBudget, GrowsNoFasterThanTheRoomLeft) {
  // A tick at 7 ms of a target of 8 ms: 8/7 at most, not the full growth step.
  expectGrowthWithin(nextSpawnBudget(1000, joining(0.007), kBounds), 8.0 / 7);
}

TEST(JoinBudget, ShrinksWhenATickRunsOverButNeverBelowTheFloor) {
  EXPECT_LT(nextSpawnBudget(kBounds.maxSpawns, joining(0.020), kBounds), kBounds.maxSpawns);
  EXPECT_EQ(afterPeriods(kBounds.maxSpawns, joining(0.050), kBounds), kBounds.minSpawns);
}

TEST(JoinBudget, StaysPutWhenTheBudgetWasNotTheLimit) {
  EXPECT_EQ(nextSpawnBudget(500, joining(0.001, false), kBounds), 500);
}

TEST(JoinBudget, IsBackAtTheFloorWhenNoJoinIsUnderWay) {
  EXPECT_EQ(nextSpawnBudget(2000, {false, true, 0.001}, kBounds), kBounds.minSpawns);
}

TEST(JoinBudget, AMeasurementNotToTrustShrinksIt) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -1.0}) {
    EXPECT_LT(nextSpawnBudget(1000, joining(bad), kBounds), 1000) << bad;
    EXPECT_EQ(nextSpawnBudget(kBounds.minSpawns, joining(bad), kBounds), kBounds.minSpawns) << bad;
  }
}

TEST(JoinBudget, ACeilingAtOrUnderTheFloorIsAFixedBudget) {
  const JoinBudgetBounds fixed{24, 24, 0.008};
  EXPECT_EQ(nextSpawnBudget(24, joining(0.0001), fixed), 24);
  EXPECT_EQ(nextSpawnBudget(24, joining(1.0), fixed), 24);
  const JoinBudgetBounds under{100000, 2048, 0.008}; // a floor past the ceiling wins
  EXPECT_EQ(nextSpawnBudget(100000, joining(0.0001), under), 100000);
}

TEST(JoinBudget, AnOutOfRangeCurrentBudgetIsBroughtBackWithinTheBounds) {
  EXPECT_LE(nextSpawnBudget(1 << 30, joining(0.001), kBounds), kBounds.maxSpawns);
  EXPECT_GE(nextSpawnBudget(-5, joining(0.050), kBounds), kBounds.minSpawns);
  EXPECT_GE(nextSpawnBudget(0, joining(0.001), {0, 0, 0.008}), 1); // never a budget of nothing
}

namespace {
// A 60 Hz tick: behind once the rest of a tick alone takes over 16.7 ms; then the
// spawns alone may take 4 ms.
const JoinBudgetBounds kBehindBounds{128, 2048, 0.008, 1.0 / 60, 0.004};

JoinBudgetSample joiningWithSpawns(double busySeconds, double spawnSeconds, bool usedAll = true) {
  return {true, usedAll, busySeconds, spawnSeconds};
}
} // namespace

TEST(JoinBudget, AServerBehindWithoutItsJoinsGrowsItWhileTheSpawnsStayWithinTheirShare) {
  // 30 ms a tick, 2 of them spawns: 28 ms is over the tick whatever the joins do.
  EXPECT_EQ(afterPeriods(kBehindBounds.minSpawns, joiningWithSpawns(0.030, 0.002), kBehindBounds), kBehindBounds.maxSpawns);
  // By the spawns' own room: 3 ms of 4 grows by 4/3 at most.
  expectGrowthWithin(nextSpawnBudget(1000, joiningWithSpawns(0.030, 0.003), kBehindBounds), 4.0 / 3);
}

TEST(JoinBudget, BehindWithoutItsJoinsSpawnsOverTheirShareShrinkIt) {
  EXPECT_LT(nextSpawnBudget(1000, joiningWithSpawns(0.030, 0.006), kBehindBounds), 1000);
}

TEST(JoinBudget, ATickOverItsTargetOnlyBecauseOfTheJoinsShrinksItAsBefore) {
  // 20 ms, 10 of them spawns: without them the tick would have had its time.
  EXPECT_LT(nextSpawnBudget(1000, joiningWithSpawns(0.020, 0.010), kBehindBounds), 1000);
}

TEST(JoinBudget, WithNoShareWhenBehindABehindServerKeepsItAtTheFloor) {
  JoinBudgetBounds none = kBehindBounds;
  none.behindSeconds = 0;
  EXPECT_EQ(afterPeriods(1000, joiningWithSpawns(0.030, 0.001), none), none.minSpawns);
}

TEST(JoinBudget, ASpawnTimeNotToTrustShrinksIt) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -1.0, 0.031})
    EXPECT_LT(nextSpawnBudget(1000, joiningWithSpawns(0.030, bad), kBehindBounds), 1000) << bad;
}

TEST(JoinBudget, BehindButTheBudgetNotTheLimitStaysPut) {
  EXPECT_EQ(nextSpawnBudget(500, joiningWithSpawns(0.030, 0.001, false), kBehindBounds), 500);
}

namespace {
// A 60 Hz tick whose physics steps on its own thread: of a tick's wall time, the
// part its own thread spent waiting for the step.
JoinBudgetSample joiningBehindAStep(double busySeconds, double stepWaitSeconds, double spawnSeconds = 0.001) {
  return {true, true, busySeconds, spawnSeconds, stepWaitSeconds};
}
} // namespace

TEST(JoinBudget, SpawnsSentWhileTheStepRunsGrowItWhileTheTicksKeepTheirRate) {
  // 15 ms a tick (over the 8 ms target), 9 of them waiting for the step: the tick's own
  // thread took 6 ms; the spawns it sent in the wait made the tick no longer.
  EXPECT_EQ(afterPeriods(kBehindBounds.minSpawns, joiningBehindAStep(0.015, 0.009), kBehindBounds), kBehindBounds.maxSpawns);
  // By the own thread's room: 7 ms of 8 grows by 8/7 at most.
  expectGrowthWithin(nextSpawnBudget(1000, joiningBehindAStep(0.015, 0.008), kBehindBounds), 8.0 / 7);
}

TEST(JoinBudget, AStepThatMakesTheTicksLateHoldsItWhereItIs) {
  // 18 ms a tick, over the tick's 16.7: the step's doing (12 ms of waiting), not the
  // spawns' (3 ms, sent while it ran, within the 4 ms a server behind may give them;
  // without them the tick would still take 15 ms, so it is not behind without its
  // joins): no growth, and no cut either.
  EXPECT_EQ(nextSpawnBudget(1000, joiningBehindAStep(0.018, 0.012, 0.003), kBehindBounds), 1000);
}

TEST(JoinBudget, LateTicksWithSpawnsOverTheShareWhenBehindShrinkItWhateverTheStepWaits) {
  // As above with 5 ms of spawns: over the 4 ms share. Spawn work can slow the step
  // when the cores are short, so it is cut.
  EXPECT_LT(nextSpawnBudget(1000, joiningBehindAStep(0.018, 0.012, 0.005), kBehindBounds), 1000);
  // With no share when behind, held at the floor as documented (NetConfig::joinShareWhenBehind).
  JoinBudgetBounds none = kBehindBounds;
  none.behindSeconds = 0;
  EXPECT_EQ(afterPeriods(1000, joiningBehindAStep(0.018, 0.012, 0.003), none), none.minSpawns);
}

TEST(JoinBudget, ATickWhoseOwnThreadRunsOverShrinksItWhateverTheStepWaits) {
  // 15 ms a tick, 2 of them waiting: its own 13 ms are over the target.
  EXPECT_LT(nextSpawnBudget(1000, joiningBehindAStep(0.015, 0.002), kBehindBounds), 1000);
}

TEST(JoinBudget, AStepWaitNotToTrustShrinksIt) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -1.0, 0.016})
    EXPECT_LT(nextSpawnBudget(1000, joiningBehindAStep(0.015, bad), kBehindBounds), 1000) << bad;
}
