#include "ferrum/rigid_body_controller.h"

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"

namespace ferrum {

RigidBodyController::RigidBodyController(const StateSchema& schema, RemoteBody remoteBody)
    : m_schema(schema), m_quantization(schema.pose()), m_remoteBody(remoteBody),
      m_values(schema), m_incoming(schema) {}

// The schema is copied from the caller's quantization, but the controller keeps
// quantizing at the caller's object (the documented contract: it must outlive us).
RigidBodyController::RigidBodyController(const RigidQuantization& quantization, RemoteBody remoteBody)
    : m_ownSchema(std::make_unique<const StateSchema>(quantization)), m_schema(*m_ownSchema),
      m_quantization(quantization), m_remoteBody(remoteBody), m_values(m_schema),
      m_incoming(m_schema) {}

void RigidBodyController::serverUpdate(WriteStream& out) const {
  RigidState state = captureRigidState(entity().body());
  serializeRigidState(out, state, m_quantization);
  m_values.write(out);
  serializeExtra(out);
}

bool RigidBodyController::readState(ReadStream& in, RigidState& state, StateValues& values) const {
  values = StateValues(m_schema);
  return serializeRigidState(in, state, m_quantization) && values.read(in);
}

void RigidBodyController::writeState(WriteStream& out, const RigidState& state, const StateValues& values) const {
  RigidState copy = state;
  serializeRigidState(out, copy, m_quantization);
  values.write(out);
}

bool RigidBodyController::clientUpdate(const ReadStream* data, const UpdateContext& ctx) {
  const bool local = isLocalAuthority();
  Body& body = entity().body();
  RigidState state;
  if (data) {
    ReadStream in = *data; // the block is read-only: read through a copy
    if (!serializeRigidState(in, state, m_quantization) || !m_incoming.read(in) || !readExtra(in)) return false;
    m_values = m_incoming; // the whole block checked out
    // Not on the wire: the body keeps its own (physics holds it upright).
    if (m_quantization.orientationBits == 0) state.orientation = body.transform().orientation;
    if (local)
      applySentStateOnAuthority(body, state, m_quantization);
    else
      m_view.push(ctx.serverTime, state, group().viewTimeline());
  }
  // Elsewhere the view decides every tick, news or not: it interpolates, carries the
  // state on, or puts back a copy that local physics moved off its rest.
  if (!local) showThroughView(data != nullptr);
  onStateApplied(data ? &state : nullptr, ctx.effects);
  return true;
}

// Moves the body, then tells the entity what it shows: the correction offset, the
// server time shown and the newest pose received. (Here, not in RemoteView: the sim
// layer knows bodies, not entities.)
void RigidBodyController::showThroughView(bool arrived) {
  Entity& e = entity();
  const bool known = m_view.update(e.body(), group().viewContext(e.type()), arrived);
  e.setDisplayOffset(m_view.offset());
  e.setDisplayTime(known ? std::optional<double>(m_view.shownTime()) : std::nullopt);
  if (const RigidState* newest = known ? m_view.newest() : nullptr)
    e.setReceivedTransform(Transform{newest->position, newest->orientation});
}

Controller::Verdict RigidBodyController::checkRemoteState(const ReadStream& block, float elapsedSeconds,
                                                          WriteStream& corrected) {
  (void)corrected;
  ReadStream in = block;
  RigidState claim;
  if (!serializeRigidState(in, claim, m_quantization) || !m_incoming.read(in)) return Verdict::Reject;
  if (m_maxRemoteSpeed <= 0) return Verdict::Accept;
  // From the owner's previous accepted claim, not from our copy (a remote view that
  // lags): an honest owner's steps fit; a jump across the level does not.
  const Vec3 from = m_hasClaim ? m_lastClaim : entity().body().position();
  const float reach = m_maxRemoteSpeed * elapsedSeconds + m_remoteSlack;
  if (!((claim.position - from).length() <= reach) || !(claim.linearVelocity.length() <= m_maxRemoteSpeed))
    return Verdict::Reject;
  m_lastClaim = claim.position;
  m_hasClaim = true;
  return Verdict::Accept;
}

void RigidBodyController::onAuthorityChanged() {
  entity().body().setKinematic(!isLocalAuthority() && m_remoteBody == RemoteBody::Kinematic);
}

ViewMode RigidBodyController::viewMode() const { return group().viewMode(entity().type()); }

} // namespace ferrum
