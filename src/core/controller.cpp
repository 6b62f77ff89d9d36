#include "ferrum/controller.h"

#include "ferrum/entity.h"
#include "ferrum/entity_group.h"
#include "ferrum/remote_view.h"

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

void Controller::pushToView(RemoteView& view, const RigidState& state) const {
  const ViewClock& clock = m_group->viewClock();
  view.push(clock.blockTime, state, clock.serverNow, clock.sendInterval);
}

// Moves the body, then tells the entity what it shows: the correction offset, the
// server time shown and the newest pose received. (Here, not in RemoteView: the sim
// layer knows bodies, not entities.)
bool Controller::showThroughView(RemoteView& view, bool arrived) const {
  const bool known = view.update(m_entity->body(), m_group->viewClock(), m_group->viewMode(m_entity->type()),
                                 arrived, m_group->tickSeconds());
  m_entity->setDisplayOffset(view.offset());
  m_entity->setDisplayTime(known ? std::optional<double>(view.shownTime()) : std::nullopt);
  if (const RigidState* newest = known ? view.newest() : nullptr)
    m_entity->setReceivedTransform(Transform{newest->position, newest->orientation});
  return known;
}

} // namespace ferrum
