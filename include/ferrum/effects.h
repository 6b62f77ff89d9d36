#pragma once
/// Client-side effects: what a controller wants shown or heard on this peer
/// (the seed's "lighting, sounds, and sparks"). Effects never affect the simulation.
/// Headless peers count them; a viewer drains `pending()` each frame and draws them.

#include <array>
#include <cstdint>
#include <vector>

#include "ferrum/ids.h"
#include "ferrum/math.h"

namespace ferrum {

enum class EffectKind : uint8_t { Explosion, Spark, Light, Sound };
constexpr int kEffectKindCount = 4;
const char* effectKindName(EffectKind kind);

struct Effect {
  EffectKind kind = EffectKind::Spark;
  Vec3 position;
  float strength = 1.0f; ///< kind-specific: explosion radius in m, light intensity, sound volume 0..1
  EntityId source;
};

class Effects {
public:
  void emit(const Effect& effect);
  /// Effects emitted since the last `clearPending()`, oldest first.
  const std::vector<Effect>& pending() const { return m_pending; }
  void clearPending() { m_pending.clear(); }
  uint64_t count(EffectKind kind) const { return m_counts[static_cast<size_t>(kind)]; }
  /// Keeps at most this many pending effects (the oldest are dropped, still counted).
  void setPendingLimit(size_t limit) { m_pendingLimit = limit; }

private:
  std::vector<Effect> m_pending;
  std::array<uint64_t, kEffectKindCount> m_counts{};
  size_t m_pendingLimit = 4096;
};

} // namespace ferrum
