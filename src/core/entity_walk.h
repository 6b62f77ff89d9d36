#pragma once
// Walks every entity of an EntityGroup each tick without copying its ids or looking
// each one up again: NetManager visits all of them several times a tick (its own to
// pack, the remote ones to apply and show), and with thousands of copies the per-tick
// id copy and the map lookups cost a client about as much as showing them. The walk
// keeps the entities in id order as (id, pointer) and rebuilds that list only after the
// group spawned or despawned something (its signals say when). A visit may despawn or
// spawn (a controller, a listener): the walk then finds each remaining id afresh, as
// walking a copy of the ids would, and never touches a removed entity.

#include <utility>
#include <vector>

#include "ferrum/entity_group.h"
#include "ferrum/signal.h"

namespace ferrum {

class EntityWalk {
public:
  explicit EntityWalk(EntityGroup& group);

  /// Calls visit(Entity&) for every entity that existed when the walk began, in id
  /// order, skipping those removed meanwhile.
  template <class Visit>
  void forEach(Visit&& visit) {
    refresh();
    for (size_t i = 0; i < m_entities.size(); ++i) {
      Entity* e = m_changed ? m_group.find(m_entities[i].first) : m_entities[i].second;
      if (e) visit(*e);
    }
  }

private:
  void refresh();

  EntityGroup& m_group;
  std::vector<std::pair<EntityId, Entity*>> m_entities;
  bool m_changed = true; ///< the group's membership changed since m_entities was built
  Subscription m_spawned, m_despawned;
};

} // namespace ferrum
