#pragma once
// Which world a peer plays: the demo arena (crates, players, grenades) or the
// published cube scenario. Every peer of a game must build the same static world, so
// each scenario also has its own game id: a client of the other scenario is refused
// at connect time with a clear reason instead of joining a world it cannot match.

#include <cstdint>
#include <string>

#include "ferrum/physics_world.h"

namespace game {

/// Large: the arena's crates and players on a 120 x 120 m floor, crates spread all
/// over it: a world where interest management (--relevance-radius) pays.
enum class Scenario : uint8_t { Arena, Cubes, Large };

/// "arena", "cubes" or "large"; false for anything else.
bool parseScenario(const std::string& name, Scenario& out);
const char* scenarioName(Scenario scenario);

/// NetConfig::gameId for the scenario (the arena keeps NetConfig's default).
uint16_t scenarioGameId(Scenario scenario);

/// Builds the scenario's static geometry (identically on every peer; never sent).
void buildScenarioWorld(Scenario scenario, ferrum::PhysicsWorld& world);

/// NetConfig::gameId of the large arena.
constexpr uint16_t kLargeArenaGameId = 0xFE03;

} // namespace game
