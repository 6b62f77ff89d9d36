#include "tests/fuzz/fuzz_world.h"

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

void quietLogs() {
  spdlog::set_level(spdlog::level::off); // the demo game's own lines
  ferrum::setLogLevel(ferrum::LogLevel::Off); // the library's
}

} // namespace fuzzing
