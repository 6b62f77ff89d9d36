#pragma once
/// EntityGroup: the registry of entity types, the live entities, id allocation and the
/// physics world. The same class on server and client.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferrum/entity.h"
#include "ferrum/physics_world.h"
#include "ferrum/remote_view.h"
#include "ferrum/rigid_quantization.h"
#include "ferrum/signal.h"
#include "ferrum/spawn_state.h"
#include "ferrum/state_schema.h"

namespace ferrum {

/// What happens to a client's entities of this type when that client leaves.
enum class OwnerLeavePolicy : uint8_t { Despawn, HandToServer };

/// What a type's factory builds from a SpawnState.
struct EntityParts {
  BodyDesc body;
  Visual visual;
  std::unique_ptr<Controller> controller;
};

class EntityGroup;

struct EntityType {
  std::string name;
  bool clientMaySpawn = false;
  OwnerLeavePolicy onOwnerLeave = OwnerLeavePolicy::Despawn;
  /// Weight in the send priority accumulator when not everything fits in a packet.
  float priority = 1.0f;
  /// How peers that do not simulate entities of this type show them (through their
  /// controller's RemoteView), unless the run-time choice (ViewSettings::mode)
  /// overrides it for all types.
  ViewMode viewMode = ViewMode::Interpolate;
  /// The precision its controller writes state at (a RigidBodyController's
  /// RigidQuantization; must outlive the registry). Set, spawns of the type carry
  /// their state at it, in about a third of the bits of raw floats, and every copy
  /// starts on the grid its state blocks use; unset, as raw floats. Every peer must
  /// name the same (it is part of the fingerprint).
  const RigidQuantization* statePrecision = nullptr;
  /// What its state blocks carry, declared once (state_schema.h): the pose at a
  /// precision and the gameplay fields. Must outlive the registry and be the schema
  /// the type's RigidBodyControllers are built with (a spawn whose controller names
  /// another is refused). Set, statePrecision defaults to its pose, and the schema's
  /// fields are part of the fingerprint, so a peer that declares other fields is
  /// refused at the handshake.
  const StateSchema* stateSchema = nullptr;
  std::function<EntityParts(const SpawnState&)> build;
  /// Server only, for spawns announced by a client: is this spawn plausible (position,
  /// speed, near its owner...)? Unset: any state is accepted. Fill `why` on refusal.
  std::function<bool(const SpawnState&, PeerId owner, const EntityGroup&, std::string& why)> validateSpawn;
};

/// Where controllers' events and despawn requests go. NetManager installs itself;
/// without one, events are handled locally and despawns happen at the next step().
class EntityGroupHooks {
public:
  virtual ~EntityGroupHooks() = default;
  virtual void raiseEvent(EntityId source, const WriteStream& payload) = 0;
  virtual void requestDespawn(EntityId id) = 0;
};

/// Maps type ids to factories. Filled once at start-up, identically on every peer.
class ControllerRegistry {
public:
  /// Registers `type` under `id`. Returns false (and logs why) if `id` is 0, already
  /// taken, the type has no factory, its stateSchema has a declaration error, or its
  /// statePrecision is not its stateSchema's pose.
  bool add(EntityTypeId id, EntityType type);
  /// nullptr if unknown (e.g. a type id read from the network).
  const EntityType* find(EntityTypeId id) const;
  size_t size() const { return m_types.size(); }
  /// Registered ids, ascending.
  std::vector<EntityTypeId> ids() const;
  /// FNV-1a 64 of what every peer of a game must register alike: each type's id,
  /// name, clientMaySpawn, onOwnerLeave, statePrecision and stateSchema
  /// (docs/protocol.md, "Handshake"). A client
  /// sends it when it connects; a server refuses one whose table differs. viewMode,
  /// remoteBody and priority are left out: each peer chooses those for itself. Covers
  /// the first 512 types, names cut at 64 bytes (what the handshake can carry).
  uint64_t fingerprint() const;

private:
  std::map<EntityTypeId, EntityType> m_types;
};

class EntityGroup {
public:
  explicit EntityGroup(const ControllerRegistry& registry, const PhysicsConfig& physics = {});
  ~EntityGroup();
  EntityGroup(const EntityGroup&) = delete;
  EntityGroup& operator=(const EntityGroup&) = delete;

  PhysicsWorld& physics() { return *m_physics; }
  const PhysicsWorld& physics() const { return *m_physics; }
  const ControllerRegistry& registry() const { return m_registry; }

  /// This peer's slot: decides local authority and the id range it allocates from.
  void setLocalPeer(PeerId peer);
  PeerId localPeer() const { return m_localPeer; }

  /// Next id in this peer's range ([slot:8][counter:24]); null when the range is spent.
  EntityId allocateId();
  /// Where allocation continues (a reused slot carries on from its previous owner).
  void setNextCounter(uint32_t counter) { m_nextCounter = counter; }

  /// Creates an entity. Returns nullptr (and creates nothing) if the id is null or
  /// taken, or the type is unknown or its factory fails.
  Entity* spawn(EntityId id, EntityTypeId type, PeerId authority, const SpawnState& state);
  /// Removes an entity; false if there is none with that id.
  bool despawn(EntityId id);
  /// Moves authority for an entity (e.g. to the server when its owner leaves).
  bool setAuthority(EntityId id, PeerId authority);

  Entity* find(EntityId id);
  const Entity* find(EntityId id) const;
  size_t size() const { return m_entities.size(); }
  /// Live ids in ascending order (a copy: safe to spawn/despawn while walking it).
  std::vector<EntityId> ids() const;
  /// Visits every entity in id order. Do not spawn or despawn inside `visit`.
  void forEach(const std::function<void(Entity&)>& visit);
  void forEach(const std::function<void(const Entity&)>& visit) const;

  /// Entities created on this peer so far (its own and others', removed or not).
  uint64_t spawnedCount() const { return m_spawnedCount; }
  /// An entity appeared on this peer (spawned here or announced by another peer).
  Signal<Entity&> onSpawned;
  /// An entity is about to be removed from this peer (still findable during the call).
  Signal<EntityId> onDespawned;

  /// The entity's current state, as a spawn message would carry it.
  SpawnState spawnStateOf(const Entity& entity) const;

  /// Advances physics by one tick.
  void step();
  /// step() split in two: the despawns due now happen here, then physics steps on a
  /// thread of its own until finishStep() (PhysicsWorld::beginStep: in between, no
  /// entity's body may be touched, and nothing spawned or despawned).
  void beginStep();
  void finishStep();
  /// Seconds per tick (NetManager sets it from its tickHz); controllers read it.
  float tickSeconds() const { return m_tickSeconds; }
  void setTickSeconds(float seconds) { m_tickSeconds = seconds; }

  /// How remote views behave; the user's to set (mode override, caps, smoothing).
  ViewSettings& viewSettings() { return m_viewSettings; }
  const ViewSettings& viewSettings() const { return m_viewSettings; }
  /// The timeline remote views are placed on. NetManager keeps it current; read it.
  ViewTimeline& viewTimeline() { return m_viewTimeline; }
  const ViewTimeline& viewTimeline() const { return m_viewTimeline; }
  /// What remote views counted (snaps), over all of this group's entities.
  const ViewStats& viewStats() const { return m_viewStats; }
  /// The remote-view mode for entities of `type`: the run-time override, else the type's.
  ViewMode viewMode(EntityTypeId type) const;
  /// What a remote view of an entity of `type` needs this tick (valid while the
  /// group lives; it refers to the group's settings, timeline and counters).
  ViewContext viewContext(EntityTypeId type);

  void setHooks(EntityGroupHooks* hooks) { m_hooks = hooks; }
  EntityGroupHooks* hooks() const { return m_hooks; }
  /// Effects for controllers' events when no NetManager is attached.
  void setLocalEffects(Effects* effects) { m_localEffects = effects; }
  /// Delivers an event to its source entity's controller (no-op if it is gone).
  void dispatchEvent(EntityId source, const ReadStream& payload, Effects& effects);

private:
  void authorityMayHaveChanged(Entity& e);
  void despawnRequested(); ///< the despawns controllers asked for during the tick
  const ControllerRegistry& m_registry;
  std::unique_ptr<PhysicsWorld> m_physics;
  std::map<EntityId, std::unique_ptr<Entity>> m_entities;
  PeerId m_localPeer = kServerPeer;
  uint32_t m_nextCounter = 1;
  float m_tickSeconds = 1.0f / 60;
  EntityGroupHooks* m_hooks = nullptr;
  ViewSettings m_viewSettings;
  ViewTimeline m_viewTimeline;
  ViewStats m_viewStats;
  Effects* m_localEffects = nullptr;
  std::vector<EntityId> m_localDespawns;
  uint64_t m_spawnedCount = 0;
  friend class Controller;
};

} // namespace ferrum
