#include "viewer/effects_view.h"

#include <algorithm>

namespace viewer {

namespace {
constexpr size_t kMaxParticles = 4000; // a storm of impacts must not slow the frame down
constexpr float kGravity = 9.81f;

template <class T>
void age(std::vector<T>& items, float dt) {
  for (auto& item : items) item.age += dt;
  std::erase_if(items, [](const T& item) { return item.age >= item.life; });
}
} // namespace

void EffectsView::absorb(const std::vector<ferrum::Effect>& pending) {
  for (const ferrum::Effect& e : pending) {
    switch (e.kind) {
    case ferrum::EffectKind::Explosion: {
      const float radius = std::clamp(e.strength, 0.5f, 20.0f);
      m_lights.push_back({{e.position + ferrum::Vec3{0, 0.5f, 0}, {3.0f, 1.6f, 0.5f}, radius * 2.5f}, 0, 0.5f});
      m_shells.push_back({e.position, radius, 0, 0.45f});
      addSparks(e.position, 60, 9.0f);
      break;
    }
    case ferrum::EffectKind::Spark:
      addSparks(e.position, 10, std::clamp(e.strength, 1.0f, 8.0f));
      break;
    case ferrum::EffectKind::Light: {
      // strength is an intensity; a quarter of it keeps a blast's light from washing out the scene
      const float intensity = std::clamp(e.strength, 0.1f, 10.0f);
      m_lights.push_back({{e.position + ferrum::Vec3{0, 0.3f, 0}, ferrum::Vec3{1.0f, 0.85f, 0.6f} * (intensity * 0.25f),
                           3.0f + intensity},
                          0, 0.8f});
      break;
    }
    case ferrum::EffectKind::Sound:
      m_rings.push_back({e.position, std::clamp(e.strength, 0.0f, 1.0f), 0, 0.8f});
      break;
    }
  }
}

void EffectsView::addSparks(ferrum::Vec3 at, int count, float speed) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_real_distribution<float> life(0.3f, 0.8f);
  for (int i = 0; i < count && m_particles.size() < kMaxParticles; ++i) {
    const ferrum::Vec3 dir{unit(m_rng), std::abs(unit(m_rng)) + 0.3f, unit(m_rng)};
    m_particles.push_back({at, dir * (speed * 0.5f * (1.0f + unit(m_rng) * 0.5f)), 0, life(m_rng)});
  }
}

void EffectsView::advance(float dt) {
  for (auto& p : m_particles) {
    p.velocity.y -= kGravity * dt;
    p.position = p.position + p.velocity * dt;
    if (p.position.y < 0.02f) { // bounce off the floor, losing most of the energy
      p.position.y = 0.02f;
      p.velocity = {p.velocity.x * 0.5f, -p.velocity.y * 0.3f, p.velocity.z * 0.5f};
    }
  }
  age(m_particles, dt);
  age(m_shells, dt);
  age(m_rings, dt);
  age(m_lights, dt);
}

bool EffectsView::explosionShowing() const {
  return std::any_of(m_shells.begin(), m_shells.end(),
                     [](const Shell& s) { return s.age > 0.1f * s.life && s.age < 0.5f * s.life; });
}

std::vector<PointLight> EffectsView::lights(size_t max) const {
  std::vector<PointLight> out;
  for (const auto& l : m_lights) {
    const float fade = 1.0f - l.age / l.life;
    out.push_back({l.light.position, l.light.colour * (fade * fade), l.light.radius});
  }
  std::sort(out.begin(), out.end(), [](const PointLight& a, const PointLight& b) {
    return a.colour.x + a.colour.y + a.colour.z > b.colour.x + b.colour.y + b.colour.z;
  });
  if (out.size() > max) out.resize(max);
  return out;
}

} // namespace viewer
