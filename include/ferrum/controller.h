#pragma once
/// A Controller does everything its Entity does; without one, an Entity never moves.
///
/// The two updates mirror the seed:
/// - `serverUpdate` runs on the entity's authority peer and packs its state into the
///   outgoing packet. It is const: it must not change the entity.
/// - `clientUpdate` runs on every peer, the authority included (through the loopback):
///   with a block it applies the state and runs client-side effects; with nullptr
///   ("no news this tick") it simulates the entity as well as it can. What it needs
///   to know about this call (where effects go, when the block's state was captured)
///   comes in its UpdateContext, never through shared state.
///
/// Physics-driven entities need not write these by hand: RigidBodyController
/// (rigid_body_controller.h) sends, applies and smooths a rigid body, and a game adds
/// its own fields and effects through its hooks.

#include "ferrum/bit_stream.h"
#include "ferrum/effects.h"
#include "ferrum/field_layout.h"
#include "ferrum/ids.h"

namespace ferrum {

class Entity;
class EntityGroup;
class RemoteView;

/// What one clientUpdate call is about, besides the block itself.
struct UpdateContext {
  Effects& effects; ///< where client-side effects (sparks, sounds) go
  /// s on the server's timeline: when the state in the block was captured (its origin
  /// tick times the tick length; for the authority's own block read back through the
  /// loopback, this peer's estimate of the server's present). Meaningful only when
  /// the block is not nullptr. A RemoteView stamps the block's state with it.
  double serverTime = 0;
};

class Controller {
public:
  virtual ~Controller() = default;

  /// Appends this entity's state to `out`. Called on the authority peer only.
  virtual void serverUpdate(WriteStream& out) const = 0;

  /// Applies `data` (this entity's block, read-only, exactly its bits) or extrapolates
  /// when `data` is nullptr. Returns false if `data` is malformed; the entity must then
  /// be left unchanged (decode into locals, check, then apply).
  virtual bool clientUpdate(const ReadStream* data, const UpdateContext& ctx) = 0;

  /// Handles an event raised by this entity's authority (see raiseEvent). Runs exactly
  /// once on every peer: on the authority at once, elsewhere when the reliable message
  /// arrives. `data` holds exactly the event's bits.
  virtual void onEvent(const ReadStream& data, Effects& effects) {
    (void)data;
    (void)effects;
  }

  /// Server only: a client that owns this entity sent `block`. Decide whether it is
  /// plausible; `elapsedSeconds` is the owner's time since its previous accepted
  /// block. On Clamp, write the corrected state to `corrected`. Not const: a referee
  /// may remember the last claim it accepted.
  enum class Verdict : uint8_t { Accept, Clamp, Reject };
  virtual Verdict checkRemoteState(const ReadStream& block, float elapsedSeconds, WriteStream& corrected) {
    (void)block;
    (void)elapsedSeconds;
    (void)corrected;
    return Verdict::Accept;
  }

  /// Owner only: the server clamped one of this entity's updates and sends back the
  /// state it settled on (`corrected`, as written by checkRemoteState). Reconcile
  /// without a visible pop, e.g. move the body and hide the jump behind a fading
  /// display offset. Return false if `corrected` is malformed. Default: ignored.
  virtual bool onCorrection(const ReadStream& corrected) {
    (void)corrected;
    return true;
  }

  /// The shape of this controller's block, field by field, so the live path can send
  /// only what changed against what the receiver acknowledged; nullptr (the default):
  /// the block is always sent whole. Must be the same on every peer for a type, and
  /// every block serverUpdate writes must fit it.
  virtual const FieldLayout* fieldLayout() const { return nullptr; }

  /// The view this controller shows its entity through when another peer simulates
  /// it, or nullptr (the default). NetManager feeds it the spawn state as the first
  /// sample, stamped with the spawn's time.
  virtual RemoteView* remoteView() { return nullptr; }

  /// Called when the entity is created and whenever its authority or this peer's
  /// slot changes (isLocalAuthority() may have flipped): the place to give a copy of
  /// what another peer simulates its physical policy. Default: nothing (a dynamic body).
  virtual void onAuthorityChanged() {}

  Entity& entity() const { return *m_entity; }
  EntityGroup& group() const { return *m_group; }
  /// True on the one peer that simulates this entity and sends its state.
  bool isLocalAuthority() const;

protected:
  /// Authority only: an event every peer handles exactly once through onEvent
  /// (reliable and ordered). Returns false if this peer is not the authority.
  bool raiseEvent(const WriteStream& payload);
  /// Authority only: remove this entity everywhere once this tick's updates are done.
  bool requestDespawn();

private:
  friend class EntityGroup;
  Entity* m_entity = nullptr;
  EntityGroup* m_group = nullptr;
};

} // namespace ferrum
