#include "ferrum/controller.h"

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"

namespace ferrum {

bool Controller::isLocalAuthority() const { return m_entity->authority() == m_group->localPeer(); }

bool Controller::raiseEvent(const WriteStream& payload) {
  if (!isLocalAuthority() || !payload.ok()) return false;
  if (EntityGroupHooks* hooks = m_group->hooks()) {
    hooks->raiseEvent(m_entity->id(), payload);
  } else if (m_group->m_localEffects) {
    ReadStream in(payload.buffer().data(), payload.bits());
    onEvent(in, *m_group->m_localEffects);
  }
  return true;
}

bool Controller::requestDespawn() {
  if (!isLocalAuthority()) return false;
  if (EntityGroupHooks* hooks = m_group->hooks())
    hooks->requestDespawn(m_entity->id());
  else
    m_group->m_localDespawns.push_back(m_entity->id());
  return true;
}

} // namespace ferrum
