#pragma once
// The cube scenario's pieces as the wire tests use them: a host definition with the
// cube types, the cubes' spawn precision, a cube's whole block, positions snapped to
// the wire's grid, and what a client's copy last decoded.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ferrum/bit_stream.h"
#include "ferrum/host.h"
#include "ferrum/rigid_state.h"
#include "game/cubes_scenario.h"
#include "game/types.h"
#include "wire/messages.h"

namespace testing_support {

inline ferrum::HostDef cubesHost(ferrum::Role role) {
  ferrum::HostDef def;
  def.net.role = role;
  def.net.gameId = game::kCubesGameId;
  game::registerCubesTypes(def.types);
  def.buildWorld = game::buildCubesFloor;
  return def;
}

/// A join budget fixed at its floor (NetConfig::spawnsPerTick). The adaptive one
/// follows how fast the machine runs the ticks (NetManager::setWorkClock), and with it
/// what each tick paces: a test that counts or compares runs pins it.
inline void fixJoinBudget(ferrum::HostDef& def) { def.net.maxSpawnsPerTick = def.net.spawnsPerTick; }

/// A cubes host of `role` on `transport`, on the test's virtual clock `now`; `adjust`
/// edits its definition first. Null (and a test failure) if it cannot be built.
inline std::unique_ptr<ferrum::Host> cubesHostOn(ferrum::Transport& transport, ferrum::Role role, const double& now,
                                                 const std::function<void(ferrum::HostDef&)>& adjust = {}) {
  ferrum::HostDef def = cubesHost(role);
  if (adjust) adjust(def);
  def.clock = [&now] { return now; };
  def.transport = &transport;
  std::string error;
  std::unique_ptr<ferrum::Host> host = ferrum::Host::create(std::move(def), error);
  EXPECT_TRUE(host) << error;
  return host;
}

/// What a Spawn of a cube type is quantized to.
inline ferrum::wire::PrecisionOf cubePrecision() {
  return [](ferrum::EntityTypeId type) -> const ferrum::RigidQuantization* {
    return type == game::kCubeType || type == game::kRollerType ? &game::cubesQuantization() : nullptr;
  };
}

/// A cube's whole block at this pose (at rest, as a sleeping body's, unless told).
inline std::vector<uint8_t> cubeBlock(ferrum::Vec3 position, ferrum::Quat orientation, uint32_t& bits,
                                      bool atRest = true) {
  ferrum::RigidState r{position, orientation, {}, {}, atRest};
  ferrum::WriteStream w(64);
  ferrum::serializeRigidState(w, r, game::cubesQuantization());
  bits = static_cast<uint32_t>(w.bits());
  return w.take();
}

inline ferrum::wire::StateBlock wholeCube(ferrum::EntityId id, ferrum::Vec3 at) {
  ferrum::wire::StateBlock block{id, {}, 0, 0};
  block.payload = cubeBlock(at, {}, block.bits);
  return block;
}

/// `v` as the cubes' position quantization carries it.
inline ferrum::Vec3 onGrid(ferrum::Vec3 v) {
  const ferrum::RigidQuantization& q = game::cubesQuantization();
  return {q.positionX.snap(v.x), q.positionY.snap(v.y), q.positionZ.snap(v.z)};
}

/// The position `host`'s copy of cube `id` last decoded from the wire, if any.
inline std::optional<ferrum::Vec3> decodedCubePosition(ferrum::Host& host, ferrum::EntityId id) {
  ferrum::Entity* e = host.group().find(id);
  if (!e) return std::nullopt;
  auto& c = static_cast<game::RigidReplicaController&>(e->controller());
  if (!c.hasDecoded()) return std::nullopt;
  return c.decoded().position;
}

} // namespace testing_support
