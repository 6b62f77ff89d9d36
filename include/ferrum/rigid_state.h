#pragma once
/// The usual state of a rigid body on the wire: quantized position, "smallest three"
/// orientation, velocities, and an at-rest flag that drops the velocities when the
/// body sleeps. Each controller type declares its own precision (RigidQuantization).

#include "ferrum/physics_world.h"
#include "ferrum/field_layout.h"
#include "ferrum/quantize.h"
#include "ferrum/rigid_quantization.h"

namespace ferrum {

struct RigidState {
  Vec3 position;
  Quat orientation;
  Vec3 linearVelocity;
  Vec3 angularVelocity;
  bool atRest = false;
};

/// The body's current state (not yet quantized).
RigidState captureRigidState(const Body& body);
/// Moves the body to `state` (velocities zero when at rest).
void applyRigidState(Body& body, const RigidState& state);
/// The authority's half of `quantizeAuthority`: puts `body` onto `sent` (the state it
/// just sent, as receivers decode it) when `q` asks for it, else does nothing. Does
/// not wake a sleeping body or hold an awake one from sleep; without velocities on
/// the wire only the pose is rounded.
void applySentStateOnAuthority(Body& body, const RigidState& sent, const RigidQuantization& q);
/// The fields serializeRigidState writes at `q`, in order (see FieldLayout).
FieldLayout rigidStateLayout(const RigidQuantization& q);
/// `state` as a receiver decodes it.
RigidState quantizeRigidState(const RigidState& state, const RigidQuantization& q);

template <class Stream>
bool serializeRigidState(Stream& s, RigidState& st, const RigidQuantization& q) {
  serializeQuantized(s, st.position, q.positionX, q.positionY, q.positionZ);
  if (q.orientationBits > 0) serializeQuatSmallestThree(s, st.orientation, q.orientationBits);
  if (q.restFlag) s.serializeBool(st.atRest);
  else if constexpr (Stream::kReading) st.atRest = false;
  const bool moving = !q.restFlag || !st.atRest;
  if (moving && q.velocities) serializeQuantized(s, st.linearVelocity, q.linearVelocity);
  else if constexpr (Stream::kReading) st.linearVelocity = {};
  if (moving && q.velocities && q.angularVelocities) serializeQuantized(s, st.angularVelocity, q.angularVelocity);
  else if constexpr (Stream::kReading) st.angularVelocity = {};
  return s.ok();
}

} // namespace ferrum
