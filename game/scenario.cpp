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
  return false;
}

const char* scenarioName(Scenario scenario) {
  return scenario == Scenario::Cubes ? "cubes" : "arena";
}

uint16_t scenarioGameId(Scenario scenario) {
  return scenario == Scenario::Cubes ? kCubesGameId : ferrum::NetConfig{}.gameId;
}

void buildScenarioWorld(Scenario scenario, ferrum::PhysicsWorld& world) {
  if (scenario == Scenario::Cubes)
    buildCubesFloor(world);
  else
    buildArena(world);
}

} // namespace game
