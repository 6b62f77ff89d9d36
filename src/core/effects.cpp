#include "ferrum/effects.h"

#include "base/log.h"

namespace ferrum {

const char* effectKindName(EffectKind kind) {
  switch (kind) {
  case EffectKind::Explosion: return "explosion";
  case EffectKind::Spark: return "spark";
  case EffectKind::Light: return "light";
  case EffectKind::Sound: return "sound";
  }
  return "unknown";
}

void Effects::emit(const Effect& effect) {
  ++m_counts[static_cast<size_t>(effect.kind)];
  if (m_pending.size() >= m_pendingLimit) m_pending.erase(m_pending.begin());
  m_pending.push_back(effect);
  log::trace("effect {} at ({:.2f},{:.2f},{:.2f}) strength {:.2f}", effectKindName(effect.kind), effect.position.x,
                effect.position.y, effect.position.z, effect.strength);
}

} // namespace ferrum
