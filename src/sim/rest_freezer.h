#pragma once
// Per-body sleep inside an awake island. Bullet puts bodies to sleep a whole island at
// a time, and its islands are groups of overlapping bounds: a pile of 2,000 crates is
// one island, and the few crates still rocking somewhere in it keep all 2,000 awake,
// solved and collided every step, for as long as the pile lasts (tens of seconds).
//
// The freezer puts a body that has been still for a while (kQuietSeconds under
// stricter thresholds than Bullet's own) to sleep by itself: it becomes a sleeping
// static object of zero mass, which Bullet neither steps nor merges into islands, and
// which supports what rests on it. Before each step it thaws every frozen body that
// something awake and moving overlaps or is about to reach (it must be pushed, or
// fall, again), and a body
// the game moves, pushes or removes thaws first (PhysicsWorld and Body call thaw).
// A thawed body is the dynamic body it was, at rest where it was frozen.

#include <cstddef>
#include <unordered_map>

class btDiscreteDynamicsWorld;
class btRigidBody;

namespace ferrum {

class RestFreezer {
public:
  explicit RestFreezer(btDiscreteDynamicsWorld& world) : m_world(world) {}

  /// Before a step of `dt` s: thaws what awake, moving bodies overlap or may reach
  /// within two steps.
  void thawTouched(float dt);
  /// Before a step of `dt` s: counts each awake dynamic body's quiet time (as the last
  /// step left it), freezes the ones quiet long enough.
  void freezeQuiet(float dt);

  bool frozen(const btRigidBody* body) const { return m_frozen.count(body) != 0; }
  /// Makes a frozen body dynamic again (no effect on others).
  void thaw(btRigidBody* body);
  /// Thaws every frozen body that overlaps `body` (it is about to disappear) and
  /// forgets `body`'s quiet time.
  void thawNeighbours(const btRigidBody* body);
  /// The mass a frozen body will have again (0 if it is not frozen).
  float frozenMass(const btRigidBody* body) const;
  size_t frozenCount() const { return m_frozen.size(); }
  /// Awake bodies whose quiet time is being counted (for tests).
  size_t quietCount() const { return m_quiet.size(); }

  /// Still this long, slower than these, and a body is frozen.
  static constexpr float kQuietSeconds = 0.5f;
  static constexpr float kQuietSpeed = 0.1f; ///< m/s
  static constexpr float kQuietSpin = 0.2f;  ///< rad/s

private:
  void freeze(btRigidBody* body);

  btDiscreteDynamicsWorld& m_world;
  std::unordered_map<const btRigidBody*, float> m_frozen; ///< body -> its mass
  std::unordered_map<const btRigidBody*, float> m_quiet;  ///< awake dynamic body -> seconds still
};

} // namespace ferrum
