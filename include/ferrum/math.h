#pragma once
/// Small value types for positions, velocities and orientations (metres, m/s, rad/s).
/// The library's public API uses these instead of Bullet's types.

#include <cmath>

namespace ferrum {

struct Vec3 {
  float x = 0, y = 0, z = 0;

  friend Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
  friend Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
  friend Vec3 operator*(Vec3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
  friend bool operator==(Vec3, Vec3) = default;
  float length() const { return std::sqrt(x * x + y * y + z * z); }
};

inline float distance(Vec3 a, Vec3 b) { return (a - b).length(); }
/// A display offset that fades: `v` shrunk by `ratePerSecond` × `seconds` of itself,
/// never past zero (one tick's step of a first-order decay).
inline Vec3 faded(Vec3 v, float ratePerSecond, float seconds) {
  const float keep = 1.0f - ratePerSecond * seconds;
  return v * (keep > 0.0f ? keep : 0.0f);
}
inline float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

/// Unit quaternion (x, y, z, w); identity by default.
struct Quat {
  float x = 0, y = 0, z = 0, w = 1;
  friend bool operator==(Quat, Quat) = default;
};

/// Angle in radians between two orientations (0 when equal, q and -q are equal).
inline float angleBetween(Quat a, Quat b) {
  const float d = std::fabs(a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w);
  return 2.0f * std::acos(d > 1.0f ? 1.0f : d);
}

struct Transform {
  Vec3 position;
  Quat orientation;
};

} // namespace ferrum
