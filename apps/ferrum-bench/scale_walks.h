#pragma once
// Where a `ferrum-bench scale` bot's player is at any moment, in closed form (a light
// bot has no physics: it states its pose and the server's referee judges it).
//   - circlePose: the demo arena's walk, a 2.5 m circle around the slot's place on
//     the spawn ring, as the demo's LocalPlayer places players (all near the centre);
//   - WaypointWalk: the large arena's, random waypoints inside the slot's own region,
//     the regions' centres spread evenly over the whole floor whatever the number of
//     bots, so players are apart as in a big map and interest management has
//     something to cull.

#include <cstdint>
#include <vector>

#include "ferrum/ids.h"
#include "ferrum/math.h"

namespace ferrum::bench {

struct BotPose {
  Vec3 position, velocity;
};

BotPose circlePose(PeerId slot, float seconds);

class WaypointWalk {
public:
  /// Slot `slot`'s walk on a floor spanning [-arenaHalfSize, arenaHalfSize] (x, z):
  /// its region is a square of regionHalfSize around a centre placed by a
  /// low-discrepancy sequence over the floor (2 m from the walls), waypoints drawn
  /// (seeded by `seed` and the slot) inside region and floor, walked at `speed` m/s.
  WaypointWalk(PeerId slot, float arenaHalfSize, float regionHalfSize, float speed, uint32_t seed);

  /// The pose `seconds` after the walk began (it loops after the last waypoint).
  BotPose at(float seconds) const;
  Vec3 centre() const { return m_centre; }

private:
  Vec3 m_centre;
  float m_speed;
  std::vector<Vec3> m_points; ///< waypoints; the last segment returns to the first
  std::vector<float> m_startsAt; ///< time the walk leaves waypoint i; back at [0] at m_loop
  float m_loop = 0;
};

} // namespace ferrum::bench
