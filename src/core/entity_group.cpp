#include "ferrum/entity_group.h"

#include "base/log.h"
#include "ferrum/rigid_body_controller.h"
#include "wire/messages.h"

namespace ferrum {

bool ControllerRegistry::add(EntityTypeId id, EntityType type) {
  if (id == 0 || !type.build || m_types.contains(id)) return false;
  if (const StateSchema* schema = type.stateSchema) {
    if (!schema->error().empty()) {
      log::error("type {} '{}' not registered: its state schema has an error: {}", id, type.name, schema->error());
      return false;
    }
    if (!type.statePrecision) type.statePrecision = &schema->pose();
    if (wire::precisionDigest(type.statePrecision) != wire::precisionDigest(&schema->pose())) {
      log::error("type {} '{}' not registered: its statePrecision is not its state schema's pose", id, type.name);
      return false;
    }
  }
  m_types.emplace(id, std::move(type));
  return true;
}

const EntityType* ControllerRegistry::find(EntityTypeId id) const {
  auto it = m_types.find(id);
  return it == m_types.end() ? nullptr : &it->second;
}

EntityGroup::EntityGroup(const ControllerRegistry& registry, const PhysicsConfig& physics)
    : m_registry(registry), m_physics(std::make_unique<PhysicsWorld>(physics)) {}

EntityGroup::~EntityGroup() {
  // Bodies belong to the world: entities go first, once a step under way is done.
  m_physics->finishStep();
  m_entities.clear();
}

EntityId EntityGroup::allocateId() {
  if (m_nextCounter > 0xFFFFFFu) return kNullEntity;
  return EntityId::make(m_localPeer, m_nextCounter++);
}

Entity* EntityGroup::spawn(EntityId id, EntityTypeId type, PeerId authority, const SpawnState& state) {
  if (id.isNull() || m_entities.contains(id)) return nullptr;
  const EntityType* info = m_registry.find(type);
  if (!info) return nullptr;
  EntityParts parts = info->build(state);
  if (!parts.controller) return nullptr;
  if (info->stateSchema) {
    // Blocks are coded by the controller's schema, the handshake checked the type's:
    // they must be one and the same, or peers that agreed would still misread.
    const auto* rigid = dynamic_cast<const RigidBodyController*>(parts.controller.get());
    if (!rigid || &rigid->schema() != info->stateSchema) {
      log::error("type {} '{}': its controller is not built with the state schema the type names; not spawned", type,
                 info->name);
      return nullptr;
    }
  }
  parts.body.transform = state.transform;
  parts.body.linearVelocity = state.linearVelocity;
  parts.body.angularVelocity = state.angularVelocity;
  Body body = m_physics->createBody(parts.body);
  Controller* controller = parts.controller.get();
  auto entity = std::unique_ptr<Entity>(
      new Entity(id, type, authority, std::move(body), parts.visual, std::move(parts.controller)));
  controller->m_entity = entity.get();
  controller->m_group = this;
  Entity* raw = entity.get();
  m_entities.emplace(id, std::move(entity));
  raw->m_variant = state.variant; // on the entity: a map of variants beside it cost an allocation a spawn
  authorityMayHaveChanged(*raw);
  ++m_spawnedCount;
  onSpawned.emit(*raw);
  return raw;
}

void EntityGroup::setLocalPeer(PeerId peer) {
  m_localPeer = peer;
  for (auto& [id, e] : m_entities) authorityMayHaveChanged(*e);
}

// Whether this peer simulates the entity decides what its body is (a copy of what
// another peer simulates must not fight the authority's state): the controller knows
// its policy (RigidBodyController: RemoteBody).
void EntityGroup::authorityMayHaveChanged(Entity& e) { e.controller().onAuthorityChanged(); }

bool EntityGroup::despawn(EntityId id) {
  if (!m_entities.contains(id)) return false;
  onDespawned.emit(id);
  return m_entities.erase(id) > 0;
}

bool EntityGroup::setAuthority(EntityId id, PeerId authority) {
  Entity* e = find(id);
  if (!e) return false;
  e->m_authority = authority;
  authorityMayHaveChanged(*e);
  return true;
}

Entity* EntityGroup::find(EntityId id) {
  auto it = m_entities.find(id);
  return it == m_entities.end() ? nullptr : it->second.get();
}

const Entity* EntityGroup::find(EntityId id) const {
  auto it = m_entities.find(id);
  return it == m_entities.end() ? nullptr : it->second.get();
}

std::vector<EntityId> EntityGroup::ids() const {
  std::vector<EntityId> out;
  out.reserve(m_entities.size());
  for (const auto& [id, e] : m_entities) out.push_back(id);
  return out;
}

void EntityGroup::forEach(const std::function<void(Entity&)>& visit) {
  for (auto& [id, e] : m_entities) visit(*e);
}

void EntityGroup::forEach(const std::function<void(const Entity&)>& visit) const {
  for (const auto& [id, e] : m_entities) visit(*e);
}

SpawnState EntityGroup::spawnStateOf(const Entity& entity) const {
  SpawnState s;
  s.transform = entity.body().transform();
  s.linearVelocity = entity.body().linearVelocity();
  s.angularVelocity = entity.body().angularVelocity();
  s.variant = entity.m_variant;
  return s;
}

void EntityGroup::step() {
  despawnRequested();
  m_physics->step(m_tickSeconds);
}

void EntityGroup::beginStep() {
  despawnRequested();
  m_physics->beginStep(m_tickSeconds);
}

void EntityGroup::despawnRequested() {
  for (EntityId id : m_localDespawns) despawn(id);
  m_localDespawns.clear();
}

void EntityGroup::finishStep() { m_physics->finishStep(); }

void EntityGroup::dispatchEvent(EntityId source, const ReadStream& payload, Effects& effects) {
  if (Entity* e = find(source)) e->controller().onEvent(payload, effects);
}

} // namespace ferrum

namespace ferrum {

ViewMode EntityGroup::viewMode(EntityTypeId type) const {
  if (m_viewSettings.mode) return *m_viewSettings.mode;
  const EntityType* info = m_registry.find(type);
  return info ? info->viewMode : ViewMode::Interpolate;
}

ViewContext EntityGroup::viewContext(EntityTypeId type) {
  return {m_viewTimeline, m_viewSettings, viewMode(type), m_tickSeconds, m_viewStats};
}

} // namespace ferrum
