#pragma once
// Watches every player entity on this peer and how far it moved here: the evidence
// that one peer sees another's player move (listen-server tests, --players-json).

#include <map>

#include <nlohmann/json.hpp>

#include "ferrum/entity_group.h"

namespace app {

class PlayerTracker {
public:
  /// Call once per frame or tick.
  void sample(const ferrum::EntityGroup& group);
  /// [{id, authority, travelled (m), samples, last [x,y,z]}] for every player ever seen.
  nlohmann::json toJson() const;

private:
  struct Track {
    ferrum::PeerId authority = ferrum::kNoPeer;
    ferrum::Vec3 last;
    double travelled = 0;
    uint64_t samples = 0;
  };
  std::map<ferrum::EntityId, Track> m_tracks;
};

} // namespace app
