#pragma once
// How many spawns a server tick may send to joining clients (all of them together),
// adapted to what the server's ticks leave spare. A fixed budget is either too small
// for a big world (64 joiners x 2,000 entities at 128 a tick take over 16 s) or too
// big for a busy tick; this one starts at the floor when a join begins, grows while
// the measured ticks (receiving and spawns included) stay under their target share of
// the tick's time and the whole budget was used, and shrinks at once when they run
// over. Always within [minSpawns, maxSpawns]. The caller (NetManager::frame) asks once
// per send period with the mean of its ticks: the sending tick and the one between
// differ. A spike is then seen diluted and a period late (one tick at 60 / 30 Hz).
//
// A server that is behind without its spawn pass (the rest of its tick alone takes
// longer than a tick) gains little by starving its joins: held at the floor, none of
// 64 joiners of a 2,000-entity world had the whole world within a 10 s run, for about
// 5 points more of the ticks (docs/benchmarks.md). There the spawn pass's own time is
// judged instead, against a share of the tick of its own: a busy server still lets
// players in, at a bounded price per tick. "The rest" still holds what the join
// brings besides the pass (each confirmed entity joins that client's sends), which
// is the point: the server is behind with it either way.
//
// With physics stepping on its own thread, the tick's spawns are sent while the step
// runs, and a tick whose thread waits for the step is as long as the step: spawns
// sent in that wait add no wall time. So the tick's own time (its wall time less the
// wait) is judged too: while it is within the target and the ticks keep their rate,
// the budget grows even when the step makes the tick longer than the target; when the
// step makes the ticks late, it is held while the spawns stay within behindSeconds
// (and shrunk past it). Judged by wall time alone, a 64 x 2,000 join whose stirred
// pile took the step to 12 ms sat at the floor for over a second while the tick's
// own thread waited 4 ms a tick.

namespace ferrum {

struct JoinBudgetBounds {
  int minSpawns = 128;          ///< NetConfig::spawnsPerTick: always allowed
  int maxSpawns = 2048;         ///< NetConfig::maxSpawnsPerTick: never more
  double targetSeconds = 0.008; ///< a tick may take this long before the budget shrinks
  double tickSeconds = 1.0 / 60; ///< a tick's time: the rest of a tick beyond it is "behind"
  double behindSeconds = 0;     ///< behind: the spawns alone may take this long (0: the floor)
};

struct JoinBudgetSample {
  bool joining = false;      ///< spawns wait in some client's queue
  bool usedAll = false;      ///< the last tick sent its whole budget (it was the limit)
  double busySeconds = 0;    ///< what the last ticks took each (NetManager's work clock); not trusted
  double spawnSeconds = 0;   ///< of which sending the spawns (same clock); not trusted
  double stepWaitSeconds = 0; ///< of which waiting for a step on the physics thread; not trusted
};

/// The next tick's budget from this tick's `current` and what the ticks took.
int nextSpawnBudget(int current, const JoinBudgetSample& sample, const JoinBudgetBounds& bounds);

} // namespace ferrum
