#include "scale_walks.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "game/player_controller.h"

namespace ferrum::bench {

namespace {
// The player stands on the floor: its capsule's centre this high.
constexpr float kStandHeight = game::kPlayerHalfHeight + game::kPlayerRadius + 0.05f;
constexpr float kWallMargin = 2.0f;
constexpr int kWaypoints = 256;       // about 15 minutes of walking at 3 m/s in a 20 m region
constexpr float kMinSegment = 2.0f;   // m: no waypoint on top of the previous one
} // namespace

// The circle: 2.5 m radius, 1.2 rad/s = 3 m/s.
BotPose circlePose(PeerId slot, float seconds) {
  constexpr float kCircleRadius = 2.5f;
  constexpr float kCircleRate = 1.2f;
  const float ring = static_cast<float>(slot) * 2.39996f;
  const Vec3 centre{std::cos(ring) * 8.0f, kStandHeight, std::sin(ring) * 8.0f};
  const float a = seconds * kCircleRate + ring;
  BotPose p;
  p.position = {centre.x + std::cos(a) * kCircleRadius, centre.y, centre.z + std::sin(a) * kCircleRadius};
  p.velocity = {-std::sin(a) * kCircleRadius * kCircleRate, 0, std::cos(a) * kCircleRadius * kCircleRate};
  return p;
}

WaypointWalk::WaypointWalk(PeerId slot, float arenaHalfSize, float regionHalfSize, float speed, uint32_t seed)
    : m_speed(speed) {
  // The R2 sequence (additive recurrence on the plastic number's powers): any prefix of
  // it covers the unit square evenly, so 4 bots are as spread out as 64.
  constexpr double kA1 = 0.7548776662466927, kA2 = 0.5698402909980532;
  const double n = static_cast<double>(slot);
  const float u = static_cast<float>(std::fmod(0.5 + kA1 * n, 1.0));
  const float v = static_cast<float>(std::fmod(0.5 + kA2 * n, 1.0));
  const float usable = arenaHalfSize - kWallMargin;
  m_centre = {(2 * u - 1) * usable, kStandHeight, (2 * v - 1) * usable};
  auto lo = [&](float c) { return std::max(-usable, c - regionHalfSize); };
  auto hi = [&](float c) { return std::min(usable, c + regionHalfSize); };
  std::mt19937 rng(seed * 0x9E3779B9u + slot);
  std::uniform_real_distribution<float> x(lo(m_centre.x), hi(m_centre.x)), z(lo(m_centre.z), hi(m_centre.z));
  m_points.push_back(m_centre);
  while (static_cast<int>(m_points.size()) < kWaypoints) {
    const Vec3 next{x(rng), kStandHeight, z(rng)};
    if (distance(next, m_points.back()) >= kMinSegment) m_points.push_back(next);
  }
  float t = 0;
  for (size_t i = 0; i < m_points.size(); ++i) {
    m_startsAt.push_back(t);
    t += distance(m_points[i], m_points[(i + 1) % m_points.size()]) / m_speed;
  }
  m_loop = t;
}

BotPose WaypointWalk::at(float seconds) const {
  const float t = std::fmod(std::max(0.0f, seconds), m_loop);
  const size_t i = static_cast<size_t>(std::upper_bound(m_startsAt.begin(), m_startsAt.end(), t) - m_startsAt.begin()) - 1;
  const Vec3 from = m_points[i];
  const Vec3 to = m_points[(i + 1) % m_points.size()];
  const Vec3 direction = (to - from) * (1.0f / distance(from, to));
  BotPose p;
  p.position = from + direction * ((t - m_startsAt[i]) * m_speed);
  p.velocity = direction * m_speed;
  return p;
}

} // namespace ferrum::bench
