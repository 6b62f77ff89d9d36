#include "tests/fuzz/fuzz_world.h"

#include <cstring>

#include <spdlog/spdlog.h>

#include "ferrum/log.h"

#include "game/arena.h"
#include "game/demo_game.h"

namespace fuzzing {

ferrum::SpawnState restingAt(ferrum::Vec3 position, uint32_t variant) {
  ferrum::SpawnState s;
  s.transform.position = position;
  s.variant = variant;
  return s;
}

SharedWorld::SharedWorld() {
  game::registerDemoTypes(registry);
  group = std::make_unique<ferrum::EntityGroup>(registry);
  game::buildArena(group->physics());
  effects.setPendingLimit(64);
}

void SharedWorld::clear() {
  group->setHooks(nullptr);
  for (ferrum::EntityId id : group->ids()) group->despawn(id);
  group->step(); // drops despawns a controller requested with no NetManager attached
  effects.clearPending();
}

// The inline 8-bit counters -fsanitize=fuzzer gives every edge of the (single,
// statically linked) instrumented module; the linker names the section's bounds.
extern "C" {
extern uint8_t __start___sancov_cntrs[];
extern uint8_t __stop___sancov_cntrs[];
}

void forgetFixtureCoverage() {
  std::memset(__start___sancov_cntrs, 0, static_cast<size_t>(__stop___sancov_cntrs - __start___sancov_cntrs));
}

void quietLogs() {
  spdlog::set_level(spdlog::level::off); // the demo game's own lines
  ferrum::setLogLevel(ferrum::LogLevel::Off); // the library's
}

} // namespace fuzzing
