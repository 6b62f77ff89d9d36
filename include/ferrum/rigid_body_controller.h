#pragma once
/// RigidBodyController: the library's controller for physics-driven entities. It
/// carries out the policies a type declares, so a game cannot forget one:
/// - serverUpdate sends the body's RigidState at the type's RigidQuantization, then
///   the values of the gameplay fields its StateSchema declares (state_schema.h),
///   then any hand-written fields (serializeExtra), in one block;
/// - clientUpdate reads all of it back, and keeps the declared fields' values only
///   once the whole block checked out. On the authority (its own block, through the
///   loopback) it puts the body on the sent state when the quantization asks for it
///   (applySentStateOnAuthority). On every other peer it records the state in its
///   RemoteView, stamped with the block's server time, and shows the entity through
///   the view in the type's mode (EntityType::viewMode, or ViewSettings::mode) - on
///   ticks without news too;
/// - a copy of what another peer simulates gets the physical policy (RemoteBody)
///   this controller was built with.
/// A game derives from it for its fields and effects: declared fields are read with
/// value() anywhere and written with setValue() on the authority (in its hooks); see
/// the hooks below for the rest.

#include "ferrum/controller.h"
#include "ferrum/remote_view.h"
#include "ferrum/rigid_state.h"
#include "ferrum/state_schema.h"

#include <memory>

namespace ferrum {

/// What a peer's copy of an entity it does not simulate is, physically: it must not
/// fight the authority's state.
enum class RemoteBody : uint8_t {
  Corrected, ///< dynamic: collides and is pushed locally; its remote view puts it back each tick
  Kinematic, ///< moved only by its remote view: pushes local bodies, is never pushed
};

class RigidBodyController : public Controller {
public:
  /// `schema` must outlive the controller (a type's static schema, the one its
  /// EntityType names) and be free of declaration errors.
  explicit RigidBodyController(const StateSchema& schema, RemoteBody remoteBody = RemoteBody::Corrected);
  /// A pose-only schema at `quantization`, which must outlive the controller.
  explicit RigidBodyController(const RigidQuantization& quantization, RemoteBody remoteBody = RemoteBody::Corrected);

  /// Packs the body's state, the declared fields, then serializeExtra. Never changes
  /// the entity.
  void serverUpdate(WriteStream& out) const final;
  /// Reads the state, the declared fields and readExtra (all or nothing: a malformed
  /// block changes nothing and returns false), applies it as described above, then
  /// onStateApplied.
  bool clientUpdate(const ReadStream* data, const UpdateContext& ctx) final;
  RemoteView* remoteView() final { return &m_view; }
  /// The RigidState's fields at the type's quantization, then the schema's gameplay
  /// fields; hand-written fields (serializeExtra) are the layout's tail.
  const FieldLayout* fieldLayout() const final { return &m_schema.layout(); }
  /// Makes a copy of what another peer simulates kinematic when built with
  /// RemoteBody::Kinematic; the authority's own body is always dynamic.
  void onAuthorityChanged() final;

  /// Server, for a client-owned entity: a block whose state or declared fields do not
  /// decode (a value outside its range) is rejected, so it is never forwarded. Then,
  /// with limits declared (setRemoteLimits), a
  /// claim faster than the limit, or further from the owner's previous accepted claim
  /// than limit x elapsed + slack (a teleport), is rejected. Without: accepted.
  Verdict checkRemoteState(const ReadStream& block, float elapsedSeconds, WriteStream& corrected) override;

  const RigidQuantization& quantization() const { return m_quantization; }
  RemoteBody remoteBody() const { return m_remoteBody; }
  const StateSchema& schema() const { return m_schema; }

  /// A declared field's value: the authority's latest on the authority, elsewhere the
  /// newest block's (inside the declared range by construction).
  int32_t value(IntField field) const { return m_values.get(field); }
  float value(FloatField field) const { return m_values.get(field); }
  bool value(BoolField field) const { return m_values.get(field); }
  const StateValues& values() const { return m_values; }

protected:
  /// Sets a declared field, for the authority to send (elsewhere the next block
  /// overwrites it). Out of range, not finite or a foreign handle: false, unchanged,
  /// logged once per field.
  bool setValue(IntField field, int32_t v) { return m_values.set(field, v); }
  bool setValue(FloatField field, float v) { return m_values.set(field, v); }
  bool setValue(BoolField field, bool v) { return m_values.set(field, v); }

  /// A block's state and declared fields, read as clientUpdate reads them but applied
  /// nowhere (for checkRemoteState and onCorrection overrides). `values` is reset to
  /// this schema first. False if malformed.
  bool readState(ReadStream& in, RigidState& state, StateValues& values) const;
  /// Writes `state` and `values` as serverUpdate would (e.g. a clamped claim), without
  /// the serializeExtra tail.
  void writeState(WriteStream& out, const RigidState& state, const StateValues& values) const;

  /// Writes hand-written fields after the declared ones, in the same block (the
  /// layout's tail: compared and resent whole; prefer declaring fields). Runs in
  /// serverUpdate: must not change the entity. Default: nothing.
  virtual void serializeExtra(WriteStream& out) const { (void)out; }
  /// Reads exactly what serializeExtra wrote, on every peer (the authority too).
  /// Return false if malformed; the block is then refused and nothing applied, so
  /// keep what was read only once all of it checked out. Default: nothing to read.
  virtual bool readExtra(ReadStream& in) {
    (void)in;
    return true;
  }
  /// Runs at the end of every clientUpdate that did not refuse its block, on every
  /// peer, after the state was applied (authority) or shown through the view
  /// (elsewhere). `received` is the state just read, or nullptr on a tick without
  /// news. The place for effects, and for what the authority does each tick.
  virtual void onStateApplied(const RigidState* received, Effects& effects) {
    (void)received;
    (void)effects;
  }

  /// What the server lets a client owner claim for this entity (see checkRemoteState):
  /// m/s, and m of slack per update. A type a client may spawn should declare them.
  void setRemoteLimits(float maxSpeed, float slackMeters) {
    m_maxRemoteSpeed = maxSpeed;
    m_remoteSlack = slackMeters;
  }

  /// How the remote view carries a state forward when extrapolating or predicting
  /// (unset: straight along its velocities). Set it once, e.g. in the constructor.
  void setAdvance(RemoteView::Advance advance) { m_view.setAdvance(std::move(advance)); }
  /// The mode this entity's copies are shown in here (the override or the type's).
  ViewMode viewMode() const;

private:
  void showThroughView(bool arrived);

  std::unique_ptr<const StateSchema> m_ownSchema; ///< a pose-only schema, when built from a quantization
  const StateSchema& m_schema;
  const RigidQuantization& m_quantization; ///< m_schema's pose
  RemoteBody m_remoteBody;
  StateValues m_values;   ///< this entity's declared fields
  StateValues m_incoming; ///< scratch: a block's fields, kept only once all of it is read
  RemoteView m_view; ///< how a peer that does not simulate the entity shows it
  float m_maxRemoteSpeed = 0; ///< 0: no limits declared
  float m_remoteSlack = 0;
  bool m_hasClaim = false;
  Vec3 m_lastClaim; ///< server: the owner's last accepted position
};

} // namespace ferrum
