#include "apps/common/player_tracker.h"

#include "game/types.h"

namespace app {

void PlayerTracker::sample(const ferrum::EntityGroup& group) {
  group.forEach([this](const ferrum::Entity& e) {
    if (e.type() != game::kPlayerType) return;
    Track& t = m_tracks[e.id()];
    const ferrum::Vec3 p = e.body().position();
    if (t.samples > 0) t.travelled += ferrum::distance(p, t.last);
    t.last = p;
    t.authority = e.authority();
    ++t.samples;
  });
}

nlohmann::json PlayerTracker::toJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, t] : m_tracks)
    out.push_back({{"id", id.value},
                   {"authority", t.authority},
                   {"travelled", t.travelled},
                   {"samples", t.samples},
                   {"last", {t.last.x, t.last.y, t.last.z}}});
  return out;
}

} // namespace app
