#include "viewer/camera.h"

#include <algorithm>

namespace viewer {

namespace {
constexpr float kRadiansPerPixel = 0.004f;
constexpr float kMinPitch = -0.2f, kMaxPitch = 1.4f;
constexpr float kFollowRate = 10.0f; // 1/s: smooths network corrections without lagging far behind
} // namespace

void Camera::turn(float dx, float dy) {
  m_yaw += dx * kRadiansPerPixel;
  m_pitch = std::clamp(m_pitch + dy * kRadiansPerPixel, kMinPitch, kMaxPitch);
}

void Camera::follow(ferrum::Vec3 target, float dt) {
  const ferrum::Vec3 aim = target + ferrum::Vec3{0, 0.8f, 0}; // look at the head, not the feet
  if (!m_placed) {
    m_centre = aim;
    m_placed = true;
    return;
  }
  m_centre = m_centre + (aim - m_centre) * std::min(1.0f, kFollowRate * dt);
}

ferrum::Vec3 Camera::eye() const {
  const ferrum::Vec3 back{-std::sin(m_yaw) * std::cos(m_pitch), std::sin(m_pitch), std::cos(m_yaw) * std::cos(m_pitch)};
  return m_centre + back * m_distance;
}

Mat4 Camera::view() const { return lookAt(eye(), m_centre, {0, 1, 0}); }

Mat4 Camera::projection(float aspect) const { return perspective(1.0f, aspect, 0.1f, 200.0f); }

void Camera::toWorld(float forward, float right, float& worldX, float& worldZ) const {
  // Forward is the view direction flattened onto the floor; right is forward x up.
  const float fx = std::sin(m_yaw), fz = -std::cos(m_yaw);
  worldX = forward * fx + right * -fz;
  worldZ = forward * fz + right * fx;
}

} // namespace viewer
