#pragma once
// The viewer's side of client-side effects: each drained ferrum::Effect becomes
// something that lives for a moment on screen (a flash light and a growing shell for
// an explosion, particles for sparks, a ring for a sound, a point light for a light).
// Purely visual: nothing here feeds back into the simulation.

#include <random>
#include <vector>

#include "ferrum/effects.h"

namespace viewer {

struct PointLight {
  ferrum::Vec3 position;
  ferrum::Vec3 colour; ///< linear RGB, already scaled by intensity
  float radius = 1;    ///< m: the light fades to zero here
};

struct Particle {
  ferrum::Vec3 position, velocity;
  float age = 0, life = 1;
};

struct Shell {
  ferrum::Vec3 position;
  float maxRadius = 1;
  float age = 0, life = 0.5f;
};

struct SoundRing {
  ferrum::Vec3 position;
  float volume = 1;
  float age = 0, life = 0.8f;
};

class EffectsView {
public:
  /// Turns every pending effect into visuals (the caller then clears the queue).
  void absorb(const std::vector<ferrum::Effect>& pending);
  /// Ages everything by `dt` seconds and forgets what has expired.
  void advance(float dt);

  /// The lights alive now, brightest first, at most `max`.
  std::vector<PointLight> lights(size_t max) const;
  const std::vector<Particle>& particles() const { return m_particles; }
  const std::vector<Shell>& shells() const { return m_shells; }
  const std::vector<SoundRing>& rings() const { return m_rings; }
  /// True while an explosion's shell is in its brightest part.
  bool explosionShowing() const;

private:
  struct TimedLight {
    PointLight light;
    float age = 0, life = 1;
  };
  void addSparks(ferrum::Vec3 at, int count, float speed);

  std::vector<TimedLight> m_lights;
  std::vector<Particle> m_particles;
  std::vector<Shell> m_shells;
  std::vector<SoundRing> m_rings;
  std::mt19937 m_rng{7};
};

} // namespace viewer
