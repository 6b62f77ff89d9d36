#pragma once
// The cube scenario's fixed parameters and the roller's script, shared by the live
// game (game/cubes_scenario.cpp) and ferrum-bench's offline copy of the scenario, so
// both measure the same world. Header-only on purpose: ferrum-bench links only the
// library, not the game. Fixed before any measurement (docs/benchmarks.md).

#include <cmath>
#include <random>

#include "ferrum/math.h"

namespace game {

struct CubesParams {
  int gridSide = 30;           ///< 30 x 30 = 900 small cubes
  float cubeSize = 0.4f;       ///< m, edge
  float spacing = 1.0f;        ///< m between grid centres
  float cubeMass = 1.0f;       ///< kg
  float playerSize = 1.5f;     ///< m, edge
  float playerMass = 40.0f;    ///< kg
  float playerAccel = 15.0f;   ///< m/s^2 of horizontal push while below maxSpeed
  float playerMaxSpeed = 6.0f; ///< m/s
  float hopSpeed = 4.0f;       ///< m/s upward kick every hopEverySeconds
  float hopEverySeconds = 4.0f;
  float waypointSeconds = 3.0f; ///< a new pseudo-random target at least this often
  unsigned seed = 2015;
  double hz = 60;

  /// Half the grid's extent: cube centres span [-gridHalf, gridHalf] in x and z.
  float gridHalf() const { return static_cast<float>(gridSide - 1) * spacing / 2; }
  /// Where the player cube starts (y up): 3 m off the grid's -x edge, on the floor.
  ferrum::Vec3 playerStart() const { return {-gridHalf() - 3.0f, playerSize / 2, 0}; }
  /// Centre of grid cell (i, j), resting on the floor (y up).
  ferrum::Vec3 cubeStart(int i, int j) const {
    return {static_cast<float>(i) * spacing - gridHalf(), cubeSize / 2, static_cast<float>(j) * spacing - gridHalf()};
  }
};

/// Pushes the player cube towards pseudo-random waypoints over the grid and makes it
/// hop now and then. Deterministic from the seed: the same calls give the same
/// impulses, in the same order, on any machine.
class RollerScript {
public:
  explicit RollerScript(const CubesParams& p) : m_p(p), m_rng(p.seed) { pickWaypoint(); }

  /// One tick of `dt` s for a player at `pos` moving at `velocity` (y up). Calls
  /// `apply(impulse)` (N·s) for each impulse, separately: summing them first would
  /// round differently from the bench's recorded runs.
  template <class Apply> void step(ferrum::Vec3 pos, ferrum::Vec3 velocity, float dt, Apply&& apply) {
    ferrum::Vec3 to = m_waypoint - pos;
    to.y = 0;
    m_waypointAge += dt;
    if (to.length() < 1.5f || m_waypointAge > m_p.waypointSeconds) pickWaypoint();
    const float speed = std::sqrt(velocity.x * velocity.x + velocity.z * velocity.z);
    if (to.length() > 1e-3f && speed < m_p.playerMaxSpeed)
      apply(to * (m_p.playerMass * m_p.playerAccel * dt / to.length()));
    m_hopClock += dt;
    if (m_hopClock >= m_p.hopEverySeconds) {
      m_hopClock = 0;
      apply(ferrum::Vec3{0, m_p.playerMass * m_p.hopSpeed, 0});
    }
  }

private:
  void pickWaypoint() {
    std::uniform_real_distribution<float> d(-m_p.gridHalf(), m_p.gridHalf());
    m_waypoint = {d(m_rng), 0, d(m_rng)};
    m_waypointAge = 0;
  }

  CubesParams m_p;
  std::mt19937 m_rng;
  ferrum::Vec3 m_waypoint;
  float m_waypointAge = 0;
  float m_hopClock = 0;
};

} // namespace game
