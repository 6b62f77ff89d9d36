#pragma once
// Column-major 4x4 matrices for the viewer (OpenGL's layout), built from ferrum's
// math types. Only what the renderer needs: no general linear-algebra library.

#include <array>
#include <cmath>

#include "ferrum/math.h"

namespace viewer {

struct Mat4 {
  std::array<float, 16> m{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

  float& at(int row, int col) { return m[static_cast<size_t>(col * 4 + row)]; }
  float at(int row, int col) const { return m[static_cast<size_t>(col * 4 + row)]; }
  const float* data() const { return m.data(); }

  friend Mat4 operator*(const Mat4& a, const Mat4& b) {
    Mat4 r;
    for (int row = 0; row < 4; ++row)
      for (int col = 0; col < 4; ++col) {
        float s = 0;
        for (int k = 0; k < 4; ++k) s += a.at(row, k) * b.at(k, col);
        r.at(row, col) = s;
      }
    return r;
  }
};

inline ferrum::Vec3 cross(ferrum::Vec3 a, ferrum::Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

inline ferrum::Vec3 normalized(ferrum::Vec3 v) {
  const float len = v.length();
  return len > 1e-6f ? v * (1.0f / len) : ferrum::Vec3{0, 1, 0};
}

/// Translation * rotation * scale: an entity's model matrix.
inline Mat4 modelMatrix(const ferrum::Transform& t, ferrum::Vec3 scale) {
  const ferrum::Quat q = t.orientation;
  const float xx = q.x * q.x, yy = q.y * q.y, zz = q.z * q.z;
  const float xy = q.x * q.y, xz = q.x * q.z, yz = q.y * q.z;
  const float wx = q.w * q.x, wy = q.w * q.y, wz = q.w * q.z;
  Mat4 r;
  r.at(0, 0) = (1 - 2 * (yy + zz)) * scale.x;
  r.at(1, 0) = (2 * (xy + wz)) * scale.x;
  r.at(2, 0) = (2 * (xz - wy)) * scale.x;
  r.at(0, 1) = (2 * (xy - wz)) * scale.y;
  r.at(1, 1) = (1 - 2 * (xx + zz)) * scale.y;
  r.at(2, 1) = (2 * (yz + wx)) * scale.y;
  r.at(0, 2) = (2 * (xz + wy)) * scale.z;
  r.at(1, 2) = (2 * (yz - wx)) * scale.z;
  r.at(2, 2) = (1 - 2 * (xx + yy)) * scale.z;
  r.at(0, 3) = t.position.x;
  r.at(1, 3) = t.position.y;
  r.at(2, 3) = t.position.z;
  return r;
}

inline Mat4 perspective(float fovYRadians, float aspect, float zNear, float zFar) {
  const float f = 1.0f / std::tan(fovYRadians / 2);
  Mat4 r;
  r.m.fill(0);
  r.at(0, 0) = f / aspect;
  r.at(1, 1) = f;
  r.at(2, 2) = (zFar + zNear) / (zNear - zFar);
  r.at(2, 3) = 2 * zFar * zNear / (zNear - zFar);
  r.at(3, 2) = -1;
  return r;
}

inline Mat4 lookAt(ferrum::Vec3 eye, ferrum::Vec3 target, ferrum::Vec3 up) {
  const ferrum::Vec3 f = normalized(target - eye);
  const ferrum::Vec3 s = normalized(cross(f, up));
  const ferrum::Vec3 u = cross(s, f);
  Mat4 r;
  r.at(0, 0) = s.x, r.at(0, 1) = s.y, r.at(0, 2) = s.z;
  r.at(1, 0) = u.x, r.at(1, 1) = u.y, r.at(1, 2) = u.z;
  r.at(2, 0) = -f.x, r.at(2, 1) = -f.y, r.at(2, 2) = -f.z;
  r.at(0, 3) = -ferrum::dot(s, eye);
  r.at(1, 3) = -ferrum::dot(u, eye);
  r.at(2, 3) = ferrum::dot(f, eye);
  return r;
}

/// Projects a world point to window pixels (origin top-left). False if behind the camera.
inline bool projectToScreen(const Mat4& viewProj, ferrum::Vec3 p, float width, float height, float& sx, float& sy) {
  const float x = viewProj.at(0, 0) * p.x + viewProj.at(0, 1) * p.y + viewProj.at(0, 2) * p.z + viewProj.at(0, 3);
  const float y = viewProj.at(1, 0) * p.x + viewProj.at(1, 1) * p.y + viewProj.at(1, 2) * p.z + viewProj.at(1, 3);
  const float w = viewProj.at(3, 0) * p.x + viewProj.at(3, 1) * p.y + viewProj.at(3, 2) * p.z + viewProj.at(3, 3);
  if (w <= 0.01f) return false;
  sx = (x / w * 0.5f + 0.5f) * width;
  sy = (1.0f - (y / w * 0.5f + 0.5f)) * height;
  return true;
}

} // namespace viewer
