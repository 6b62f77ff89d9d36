#pragma once
// Third-person camera: orbits a target (the local player) at a fixed distance; the mouse
// turns it (yaw, pitch). Movement keys are read relative to where it looks.

#include "ferrum/math.h"
#include "viewer/mat4.h"

namespace viewer {

class Camera {
public:
  /// Mouse motion in pixels.
  void turn(float dx, float dy);
  /// Eases the orbit centre towards `target` (m); `dt` in seconds.
  void follow(ferrum::Vec3 target, float dt);
  void setDistance(float metres) { m_distance = metres; }
  void setAngles(float yawRadians, float pitchRadians) { m_yaw = yawRadians, m_pitch = pitchRadians; }

  ferrum::Vec3 eye() const;
  ferrum::Vec3 centre() const { return m_centre; }
  Mat4 view() const;
  Mat4 projection(float aspect) const;

  /// Camera-relative stick (forward, right in -1..1) to world x/z.
  void toWorld(float forward, float right, float& worldX, float& worldZ) const;

private:
  ferrum::Vec3 m_centre{0, 1, 0};
  float m_yaw = 0;      ///< radians; 0 looks along -z
  float m_pitch = 0.5f; ///< radians down from horizontal
  float m_distance = 9.0f;
  bool m_placed = false;
};

} // namespace viewer
