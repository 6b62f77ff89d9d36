#include "game/demo_game.h"

#include <spdlog/spdlog.h>

#include <random>

#include "game/arena.h"
#include "game/crate_controller.h"
#include "game/cubes_scenario.h"
#include "game/grenade_controller.h"

namespace game {

void registerDemoTypes(ferrum::ControllerRegistry& registry) {
  registry.add(kCrateType, crateType());
  registry.add(kPlayerType, playerType());
  registry.add(kGrenadeType, grenadeType());
}

ferrum::HostDef demoHostDef(Scenario scenario) {
  ferrum::HostDef def;
  registerDemoTypes(def.types);
  registerCubesTypes(def.types);
  def.buildWorld = [scenario](ferrum::PhysicsWorld& world) { buildScenarioWorld(scenario, world); };
  // A client of another scenario is refused at connect time, with a reason.
  def.net.gameId = scenarioGameId(scenario);
  return def;
}

void spawnCrates(ferrum::NetManager& net, int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> jitter(-0.3f, 0.3f);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<uint32_t> size(0, 3);
  const int perRow = 10;
  for (int i = 0; i < count; ++i) {
    ferrum::SpawnState s;
    const float x = (static_cast<float>(i % perRow) - (perRow - 1) / 2.0f) * 3.0f;
    const float z = (static_cast<float>(i / perRow) - 2.0f) * 3.0f;
    s.transform.position = {x + jitter(rng), 2.0f + static_cast<float>(i % 7) * 0.8f, z + jitter(rng)};
    s.transform.orientation = ferrum::canonicalQuat({unit(rng), unit(rng), unit(rng), 1.5f});
    s.variant = size(rng);
    net.spawn(kCrateType, s);
  }
}

void scatterCrates(ferrum::NetManager& net, int count, uint32_t seed, float halfSize) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> coord(-(halfSize - 2.0f), halfSize - 2.0f);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<uint32_t> size(0, 3);
  for (int i = 0; i < count; ++i) {
    ferrum::SpawnState s;
    s.transform.position = {coord(rng), 1.0f + static_cast<float>(i % 5) * 0.8f, coord(rng)};
    s.transform.orientation = ferrum::canonicalQuat({unit(rng), unit(rng), unit(rng), 1.5f});
    s.variant = size(rng);
    net.spawn(kCrateType, s);
  }
}

LocalPlayer::LocalPlayer(ferrum::NetManager& net, std::optional<uint32_t> botSeed) : m_net(net) {
  if (botSeed) m_bot = std::make_unique<BotBrain>(*botSeed);
  m_tick = m_net.onTick.listen([this](uint32_t) { onTick(); });
  if (m_net.config().role == ferrum::Role::Server)
    spawnAs(ferrum::kServerPeer);
  else
    m_joined = m_net.onJoined.listen([this](ferrum::PeerId self) { spawnAs(self); });
}

void LocalPlayer::spawnAs(ferrum::PeerId self) {
  ferrum::SpawnState s;
  // Spread over a ring by the golden angle; slot 0 (a listen server's host) at (8, 0).
  const float angle = static_cast<float>(self) * 2.39996f;
  s.transform.position = {std::cos(angle) * 8.0f, kPlayerHalfHeight + kPlayerRadius + 0.05f, std::sin(angle) * 8.0f};
  s.variant = self;
  m_id = m_net.spawn(kPlayerType, s);
  if (m_id.isNull())
    spdlog::error("could not spawn our player");
  else
    spdlog::info("spawned our player {:#x}", m_id.value);
}

void LocalPlayer::onTick() {
  ferrum::Entity* self = m_net.group().find(m_id);
  if (!self) return;
  auto& controller = static_cast<PlayerController&>(self->controller());
  controller.setInput(m_bot ? m_bot->think(*self, m_net.group()) : m_input);
  ferrum::Vec3 aim;
  if (m_bot && m_bot->wantsThrow(aim)) throwGrenade(aim);
}

bool LocalPlayer::throwGrenade(ferrum::Vec3 direction) { return m_thrower.tryThrow(m_net, m_id, direction); }

} // namespace game
