#pragma once
/// A Controller does everything its Entity does; without one, an Entity never moves.
///
/// The two updates mirror the seed:
/// - `serverUpdate` runs on the entity's authority peer and packs its state into the
///   outgoing packet. It is const: it must not change the entity.
/// - `clientUpdate` runs on every peer, the authority included (through the loopback):
///   with a block it applies the state and runs client-side effects; with nullptr
///   ("no news this tick") it simulates the entity as well as it can.

#include "ferrum/bit_stream.h"
#include "ferrum/effects.h"
#include "ferrum/ids.h"

namespace ferrum {

class Entity;
class EntityGroup;

class Controller {
public:
  virtual ~Controller() = default;

  /// Appends this entity's state to `out`. Called on the authority peer only.
  virtual void serverUpdate(WriteStream& out) const = 0;

  /// Applies `data` (this entity's block, read-only, exactly its bits) or extrapolates
  /// when `data` is nullptr. Returns false if `data` is malformed; the entity must then
  /// be left unchanged (decode into locals, check, then apply).
  virtual bool clientUpdate(const ReadStream* data, Effects& effects) = 0;

  Entity& entity() const { return *m_entity; }
  EntityGroup& group() const { return *m_group; }
  /// True on the one peer that simulates this entity and sends its state.
  bool isLocalAuthority() const;

private:
  friend class EntityGroup;
  Entity* m_entity = nullptr;
  EntityGroup* m_group = nullptr;
};

} // namespace ferrum
