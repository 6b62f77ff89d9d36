#include "game/demo_game.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
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

namespace {
// Up to kSpreadCrates the crates keep the spread-out layout the demo and its published
// figures were made with: rows of 10, 3 m apart, dropped from up to 7 m. Its rows run
// on in z and leave the floor past 90 crates, so more are laid as a pile instead:
// square layers around the centre of up to kPileSide x kPileSide crates (the whole
// floor), kPileSpacing apart (wider than the biggest crate, 1.2 m, turned by the yaw
// jitter), each layer above the last, so every crate starts on or over the floor,
// touching nothing, and lands on the ones below.
constexpr int kSpreadCrates = 90;
constexpr int kPileSide = 24;
constexpr float kPileSpacing = 1.5f;  // centres within +-17.25 m of a floor of +-20 m
constexpr float kPileLayerHeight = 1.3f;
constexpr float kPileYaw = 0.2f;      // rad either way: crates that settle flat and square

void spawnSpreadCrates(ferrum::NetManager& net, int count, uint32_t seed) {
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

void spawnCratePile(ferrum::NetManager& net, int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> yaw(-kPileYaw, kPileYaw);
  std::uniform_int_distribution<uint32_t> size(0, 3);
  // A square as near the centre as the count allows: one layer up to 24 x 24.
  const int side = std::clamp(static_cast<int>(std::ceil(std::sqrt(static_cast<float>(count)))), 1, kPileSide);
  const int perLayer = side * side;
  const auto cellCentre = [side](int cell) { return (static_cast<float>(cell) - static_cast<float>(side - 1) / 2.0f) * kPileSpacing; };
  for (int i = 0; i < count; ++i) {
    const int layer = i / perLayer;
    const int cell = i % perLayer;
    ferrum::SpawnState s;
    s.variant = size(rng);
    const float half = 0.3f + 0.1f * static_cast<float>(s.variant % 4); // crateType()'s size
    s.transform.position = {cellCentre(cell % side), half + 0.05f + static_cast<float>(layer) * kPileLayerHeight,
                            cellCentre(cell / side)};
    const float angle = yaw(rng);
    s.transform.orientation = ferrum::canonicalQuat({0, std::sin(angle / 2), 0, std::cos(angle / 2)});
    net.spawn(kCrateType, s);
  }
}
} // namespace

void spawnCrates(ferrum::NetManager& net, int count, uint32_t seed) {
  if (count <= kSpreadCrates) spawnSpreadCrates(net, count, seed);
  else spawnCratePile(net, count, seed);
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
