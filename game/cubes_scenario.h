#pragma once
// The published cube scenario as live entities (ferrum-server --scenario cubes): 900
// small cubes on a 30 x 30 grid and a big "roller" cube pushed through them by
// scripted impulses, both under the server's authority. The parameters and the script
// are ferrum-bench's (game/cubes_params.h), so the live figures and the bench's
// describe the same world.
//
// Only poses go on the wire (no velocities: about half the bits of a moving cube),
// so receivers never simulate a copy: copies are kinematic and their remote view
// interpolates between the decoded poses, ending exactly on the last one. Nothing
// local can nudge them, so a resting cube that is not resent stays right.

#include "ferrum/entity_group.h"
#include "ferrum/net_manager.h"
#include "ferrum/rigid_body_controller.h"
#include "game/cubes_params.h"

namespace game {

constexpr uint16_t kCubesGameId = 0xFE02;    ///< NetConfig::gameId of the cubes scenario
constexpr float kCubesFloorHalfSize = 40.0f; ///< m; the grid spans +-14.5 m, the roller's waypoints too

/// Precision both cube types are sent with: positions at 1/512 m in +-48 m (x, z) and
/// [-4, 28] m (y), 10-bit "smallest three" orientation, an at-rest flag, and no
/// velocities.
const ferrum::RigidQuantization& cubesQuantization();
/// The schema of both cube types: the pose at cubesQuantization(), no gameplay fields.
const ferrum::StateSchema& cubesSchema();

/// Shared by cubes and the roller: a RigidBodyController at cubes precision with
/// kinematic copies (see above).
class RigidReplicaController : public ferrum::RigidBodyController {
public:
  RigidReplicaController() : RigidBodyController(cubesSchema(), ferrum::RemoteBody::Kinematic) {}

  /// The last state decoded from a block (the authority's own loopback included).
  const ferrum::RigidState& decoded() const { return m_decoded; }
  bool hasDecoded() const { return m_hasDecoded; }

protected:
  /// Runs on the authority once per tick, after its own block was read back.
  virtual void authorityTick() {}
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) final;

private:
  ferrum::RigidState m_decoded;
  bool m_hasDecoded = false;
};

class CubeController final : public RigidReplicaController {};

/// The player cube: its authority applies the scripted impulses (others only follow
/// its state). `scriptTicks` = how long it pushes (0: forever), so tests can let the
/// world settle.
class RollerController final : public RigidReplicaController {
public:
  explicit RollerController(uint32_t scriptTicks)
      : m_script(CubesParams{}), m_ticksLeft(scriptTicks), m_forever(scriptTicks == 0) {}
  bool scripting() const { return m_forever || m_ticksLeft > 0; }

protected:
  void authorityTick() override;

private:
  RollerScript m_script;
  uint32_t m_ticksLeft;
  bool m_forever;
};

/// Cube type: 0.4 m, 1 kg (CubesParams). Server-only.
ferrum::EntityType cubeType();
/// Roller type: 1.5 m, 40 kg; variant = script ticks (0: forever). Server-only.
ferrum::EntityType rollerType();
/// Registers the cube and roller types (same ids on every peer).
void registerCubesTypes(ferrum::ControllerRegistry& registry);

/// The scenario's static world: a floor of +-kCubesFloorHalfSize m, no walls (as in
/// the bench). Built identically on every peer.
void buildCubesFloor(ferrum::PhysicsWorld& world);

/// Server: spawns the roller and the 900 cubes (roller first, as in the bench).
/// `rollSeconds`: how long the roller pushes (0: forever). Returns the roller's id.
ferrum::EntityId spawnCubesScenario(ferrum::NetManager& net, float rollSeconds = 0);

} // namespace game
