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

// Mirrors serializeRigidState field for field. Position, orientation and each velocity
// are groups: they move together, and one "changed" bit and one shared magnitude per
// group are cheaper than three separate deltas. The orientation's index field says the
// group after it is its smallest three, so the codec can re-express a baseline whose
// largest component changed. The delta orders only serve fields coded alone.
FieldLayout rigidStateLayout(const RigidQuantization& q) {
  FieldLayout layout;
  auto add = [&](int bits, uint8_t order, int16_t gate = -1, uint8_t group = 1, bool largest = false) {
    layout.fields.push_back({static_cast<uint8_t>(bits), gate, order, group, largest});
  };
  auto addGroup = [&](const QuantRange* const (&ranges)[3], int16_t gate) {
    for (int i = 0; i < 3; ++i)
      add(bitsRequired(static_cast<uint64_t>(ranges[i]->maxIndex())), 3, gate, i == 0 ? 3 : 1);
  };
  const QuantRange* const position[3] = {&q.positionX, &q.positionY, &q.positionZ};
  addGroup(position, -1);
  if (q.orientationBits > 0) {
    add(2, 0, -1, 1, true);
    for (int i = 0; i < 3; ++i) add(q.orientationBits, 2, -1, i == 0 ? 3 : 1);
  }
  int16_t rest = -1;
  if (q.restFlag) {
    rest = static_cast<int16_t>(layout.fields.size());
    add(1, 0);
  }
  if (q.velocities) {
    const QuantRange* const linear[3] = {&q.linearVelocity, &q.linearVelocity, &q.linearVelocity};
    addGroup(linear, rest);
    if (q.angularVelocities) {
      const QuantRange* const angular[3] = {&q.angularVelocity, &q.angularVelocity, &q.angularVelocity};
      addGroup(angular, rest);
    }
  }
  return layout;
}

} // namespace ferrum
