#include "ferrum/controller.h"

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"

namespace ferrum {

bool Controller::isLocalAuthority() const { return m_entity->authority() == m_group->localPeer(); }

} // namespace ferrum
