#include "game/cubes_scenario.h"

#include <algorithm>
#include <cmath>

#include "ferrum/entity.h"
#include "game/types.h"

namespace game {

const ferrum::RigidQuantization& cubesQuantization() {
  static const ferrum::RigidQuantization q{
      {-48.0f, 48.0f, 1.0f / 512}, {-4.0f, 28.0f, 1.0f / 512}, {-48.0f, 48.0f, 1.0f / 512}, 10,
      {-32.0f, 32.0f, 1.0f / 32},  {-32.0f, 32.0f, 1.0f / 32}, false,
  };
  return q;
}

const ferrum::StateSchema& cubesSchema() {
  static const ferrum::StateSchema schema(cubesQuantization());
  return schema;
}

void RigidReplicaController::onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) {
  (void)effects;
  if (received) {
    m_decoded = *received;
    m_hasDecoded = true;
  }
  if (isLocalAuthority()) authorityTick();
}

void RollerController::authorityTick() {
  if (!scripting()) return;
  if (!m_forever) --m_ticksLeft;
  ferrum::Body& body = entity().body();
  m_script.step(body.position(), body.linearVelocity(), group().tickSeconds(),
                [&](ferrum::Vec3 impulse) { body.applyImpulse(impulse); });
}

namespace {

ferrum::BodyDesc cubeBody(float edge, float mass) {
  ferrum::BodyDesc body;
  body.shape = ferrum::Shape::Box;
  body.size = {edge / 2, edge / 2, edge / 2};
  body.mass = mass; // friction and restitution: BodyDesc's defaults, as in the bench
  return body;
}

} // namespace

ferrum::EntityType cubeType() {
  ferrum::EntityType type;
  type.name = "cube";
  type.clientMaySpawn = false;
  type.stateSchema = &cubesSchema(); // blocks and spawns at its precision
  type.build = [](const ferrum::SpawnState&) {
    const CubesParams p;
    ferrum::EntityParts parts;
    parts.body = cubeBody(p.cubeSize, p.cubeMass);
    parts.visual = {ferrum::Shape::Box, parts.body.size, 0xC8C8D0FFu};
    parts.controller = std::make_unique<CubeController>();
    return parts;
  };
  return type;
}

ferrum::EntityType rollerType() {
  ferrum::EntityType type;
  type.name = "roller";
  type.clientMaySpawn = false;
  type.stateSchema = &cubesSchema();
  type.priority = 10.0f; // the player cube first when a packet cannot carry every change
  type.build = [](const ferrum::SpawnState& s) {
    const CubesParams p;
    ferrum::EntityParts parts;
    parts.body = cubeBody(p.playerSize, p.playerMass);
    parts.visual = {ferrum::Shape::Box, parts.body.size, 0xD04030FFu};
    parts.controller = std::make_unique<RollerController>(s.variant);
    return parts;
  };
  return type;
}

void registerCubesTypes(ferrum::ControllerRegistry& registry) {
  registry.add(kCubeType, cubeType());
  registry.add(kRollerType, rollerType());
}

void buildCubesFloor(ferrum::PhysicsWorld& world) {
  ferrum::BodyDesc floor;
  floor.size = {kCubesFloorHalfSize, 0.5f, kCubesFloorHalfSize};
  floor.transform.position = {0, -0.5f, 0};
  world.addStatic(floor);
}

ferrum::EntityId spawnCubesScenario(ferrum::NetManager& net, float rollSeconds) {
  const CubesParams p;
  ferrum::SpawnState roller;
  roller.transform.position = p.playerStart();
  roller.variant = static_cast<uint32_t>(std::lround(std::max(0.0f, rollSeconds) * static_cast<float>(p.hz)));
  if (rollSeconds > 0 && roller.variant == 0) roller.variant = 1;
  const ferrum::EntityId id = net.spawn(kRollerType, roller);
  for (int i = 0; i < p.gridSide; ++i)
    for (int j = 0; j < p.gridSide; ++j) {
      ferrum::SpawnState cube;
      cube.transform.position = p.cubeStart(i, j);
      net.spawn(kCubeType, cube);
    }
  return id;
}

} // namespace game
