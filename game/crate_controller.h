#pragma once
// Crates: physics props under the server's authority. A RigidBodyController: the
// authority sends the body's state; everyone else shows it through the remote view
// (the type's mode, interpolate by default) on a dynamic body the view puts back
// every tick (RemoteBody::Corrected). A hard impact shows sparks on every peer.

#include "ferrum/entity_group.h"
#include "ferrum/rigid_body_controller.h"

namespace game {

/// Precision crates are sent with: 1/512 m positions, 11-bit orientation components.
const ferrum::RigidQuantization& crateQuantization();
/// A crate's state schema: the pose at crateQuantization() and no gameplay fields.
const ferrum::StateSchema& crateSchema();

class CrateController final : public ferrum::RigidBodyController {
public:
  CrateController() : RigidBodyController(crateSchema()) {}

protected:
  /// Sparks where the velocity changed hard between two states (on every peer).
  void onStateApplied(const ferrum::RigidState* received, ferrum::Effects& effects) override;

private:
  ferrum::Vec3 m_lastVelocity;
  bool m_hasLast = false;
};

/// Crate type: variant = size step 0..3 (half extent 0.3 m + 0.1 m per step).
ferrum::EntityType crateType();

} // namespace game
