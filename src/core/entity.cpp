#include "ferrum/entity.h"

#include <cassert>

namespace ferrum {

Entity::Entity(EntityId id, EntityTypeId type, PeerId authority, Body body, Visual visual,
               std::unique_ptr<Controller> controller)
    : m_id(id), m_type(type), m_authority(authority), m_body(std::move(body)), m_visual(visual),
      m_controller(std::move(controller)) {
  assert(m_controller && "an Entity cannot exist without its Controller");
  assert(m_body.valid());
}

} // namespace ferrum
