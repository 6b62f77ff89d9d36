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

namespace ferrum {

// Mirrors serializeRigidState field for field. The delta orders are about log2 of a
// typical change between two sends of a moving body (positions at 1/512 m move tens
// of steps; a quaternion component a few; the largest index rarely changes).
FieldLayout rigidStateLayout(const RigidQuantization& q) {
  FieldLayout layout;
  auto add = [&](int bits, uint8_t order, int16_t gate = -1) {
    layout.fields.push_back({static_cast<uint8_t>(bits), gate, order});
  };
  for (const QuantRange* r : {&q.positionX, &q.positionY, &q.positionZ}) add(bitsRequired(static_cast<uint64_t>(r->maxIndex())), 3);
  if (q.orientationBits > 0) {
    add(2, 0);
    for (int i = 0; i < 3; ++i) add(q.orientationBits, 2);
  }
  int16_t rest = -1;
  if (q.restFlag) {
    rest = static_cast<int16_t>(layout.fields.size());
    add(1, 0);
  }
  if (q.velocities) {
    for (int i = 0; i < 3; ++i) add(bitsRequired(static_cast<uint64_t>(q.linearVelocity.maxIndex())), 3, rest);
    if (q.angularVelocities)
      for (int i = 0; i < 3; ++i) add(bitsRequired(static_cast<uint64_t>(q.angularVelocity.maxIndex())), 3, rest);
  }
  return layout;
}

} // namespace ferrum
