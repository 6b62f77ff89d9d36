#include "game/scenario.h"

#include "ferrum/net_config.h"
#include "game/arena.h"
#include "game/cubes_scenario.h"

namespace game {

bool parseScenario(const std::string& name, Scenario& out) {
  if (name == "arena") {
    out = Scenario::Arena;
    return true;
  }
  if (name == "cubes") {
    out = Scenario::Cubes;
    return true;
  }
  if (name == "large") {
    out = Scenario::Large;
    return true;
  }
  return false;
}

const char* scenarioName(Scenario scenario) {
  switch (scenario) {
  case Scenario::Cubes: return "cubes";
  case Scenario::Large: return "large";
  case Scenario::Arena: break;
  }
  return "arena";
}

uint16_t scenarioGameId(Scenario scenario) {
  switch (scenario) {
  case Scenario::Cubes: return kCubesGameId;
  case Scenario::Large: return kLargeArenaGameId;
  case Scenario::Arena: break;
  }
  return ferrum::NetConfig{}.gameId;
}

void buildScenarioWorld(Scenario scenario, ferrum::PhysicsWorld& world) {
  switch (scenario) {
  case Scenario::Cubes: return buildCubesFloor(world);
  case Scenario::Large: return buildLargeArena(world);
  case Scenario::Arena: return buildArena(world);
  }
}

} // namespace game
