#include "ferrum/rigid_state.h"

namespace ferrum {

RigidState captureRigidState(const Body& body) {
  const Transform t = body.transform();
  return {t.position, t.orientation, body.linearVelocity(), body.angularVelocity(), body.atRest()};
}

void applyRigidState(Body& body, const RigidState& state) {
  body.setTransform({state.position, state.orientation});
  body.setLinearVelocity(state.atRest ? Vec3{} : state.linearVelocity);
  body.setAngularVelocity(state.atRest ? Vec3{} : state.angularVelocity);
}

void applySentStateOnAuthority(Body& body, const RigidState& sent, const RigidQuantization& q) {
  if (!q.quantizeAuthority || body.kinematic()) return;
  const Transform pose{sent.position, sent.orientation};
  if (sent.atRest) body.snapTo(pose, {}, {});
  else if (q.velocities) body.snapTo(pose, sent.linearVelocity, sent.angularVelocity);
  else body.snapTo(pose, body.linearVelocity(), body.angularVelocity());
}

RigidState quantizeRigidState(const RigidState& state, const RigidQuantization& q) {
  RigidState copy = state;
  WriteStream out(256);
  serializeRigidState(out, copy, q);
  RigidState decoded;
  ReadStream in(out.buffer().data(), out.bits());
  serializeRigidState(in, decoded, q);
  return decoded;
}

} // namespace ferrum
