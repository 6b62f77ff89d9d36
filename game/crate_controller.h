#pragma once
// Crates: physics props under the server's authority. The authority sends the body's
// state; everyone else shows it through a RemoteView (the type's mode, interpolate by
// default) on a dynamic body the view puts back every tick (RemoteBody::Corrected).
// A hard impact shows sparks on every peer.

#include "ferrum/controller.h"
#include "ferrum/entity_group.h"
#include "ferrum/remote_view.h"
#include "ferrum/rigid_state.h"

namespace game {

/// Precision crates are sent with: 1/512 m positions, 11-bit orientation components.
const ferrum::RigidQuantization& crateQuantization();

class CrateController final : public ferrum::Controller {
public:
  void serverUpdate(ferrum::WriteStream& out) const override;
  bool clientUpdate(const ferrum::ReadStream* data, ferrum::Effects& effects) override;
  ferrum::RemoteView* remoteView() override { return &m_view; }

private:
  ferrum::RemoteView m_view;
  ferrum::Vec3 m_lastVelocity;
  bool m_hasLast = false;
};

/// Crate type: variant = size step 0..3 (half extent 0.3 m + 0.1 m per step).
ferrum::EntityType crateType();

} // namespace game
