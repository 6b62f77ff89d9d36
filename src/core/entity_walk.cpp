#include "core/entity_walk.h"

namespace ferrum {

EntityWalk::EntityWalk(EntityGroup& group) : m_group(group) {
  m_spawned = group.onSpawned.listen([this](Entity&) { m_changed = true; });
  m_despawned = group.onDespawned.listen([this](EntityId) { m_changed = true; });
}

void EntityWalk::refresh() {
  if (!m_changed) return;
  m_entities.clear();
  m_entities.reserve(m_group.size());
  m_group.forEach([this](Entity& e) { m_entities.emplace_back(e.id(), &e); });
  m_changed = false;
}

} // namespace ferrum
