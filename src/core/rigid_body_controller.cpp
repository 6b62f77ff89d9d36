#include "ferrum/rigid_body_controller.h"

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"

namespace ferrum {

RigidBodyController::RigidBodyController(const RigidQuantization& quantization, RemoteBody remoteBody)
    : m_quantization(quantization), m_remoteBody(remoteBody) {}

void RigidBodyController::serverUpdate(WriteStream& out) const {
  RigidState state = captureRigidState(entity().body());
  serializeRigidState(out, state, m_quantization);
  serializeExtra(out);
}

bool RigidBodyController::clientUpdate(const ReadStream* data, const UpdateContext& ctx) {
  const bool local = isLocalAuthority();
  Body& body = entity().body();
  RigidState state;
  if (data) {
    ReadStream in = *data; // the block is read-only: read through a copy
    if (!serializeRigidState(in, state, m_quantization) || !readExtra(in)) return false;
    // Not on the wire: the body keeps its own (physics holds it upright).
    if (m_quantization.orientationBits == 0) state.orientation = body.transform().orientation;
    if (local)
      applySentStateOnAuthority(body, state, m_quantization);
    else
      m_view.push(ctx.serverTime, state, group().viewTimeline());
  }
  // Elsewhere the view decides every tick, news or not: it interpolates, carries the
  // state on, or puts back a copy that local physics moved off its rest.
  if (!local) m_view.update(entity(), group().viewContext(entity().type()), data != nullptr);
  onStateApplied(data ? &state : nullptr, ctx.effects);
  return true;
}

void RigidBodyController::onAuthorityChanged() {
  entity().body().setKinematic(!isLocalAuthority() && m_remoteBody == RemoteBody::Kinematic);
}

ViewMode RigidBodyController::viewMode() const { return group().viewMode(entity().type()); }

} // namespace ferrum
