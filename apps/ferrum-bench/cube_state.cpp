#include "cube_state.h"

#include <algorithm>
#include <cmath>

#include "ferrum/quantize.h"

namespace ferrum::bench {

namespace {
int32_t toUnits(float metres, int32_t lo, int32_t hi) {
  const double units = std::nearbyint(static_cast<double>(metres) * kUnitsPerMetre);
  return static_cast<int32_t>(std::clamp(units, static_cast<double>(lo), static_cast<double>(hi)));
}
} // namespace

CubeState quantizeCube(const Transform& pose, bool interacting) {
  // The library's smallest three writes [largest:2][three components:9 each], which
  // are this layout's first four fields: write it, read the integers back.
  WriteStream out(16);
  Quat q = pose.orientation;
  serializeQuatSmallestThree(out, q, kOrientationBits);
  const std::vector<uint8_t> bytes = out.take();
  ReadStream in(bytes.data(), 2 + 3 * kOrientationBits);
  CubeState s;
  in.serializeBits(s.largest, 2);
  in.serializeBits(s.a, kOrientationBits);
  in.serializeBits(s.b, kOrientationBits);
  in.serializeBits(s.c, kOrientationBits);
  s.x = toUnits(pose.position.x, kPosXYMin, kPosXYMax);
  s.y = toUnits(pose.position.y, kPosXYMin, kPosXYMax);
  s.z = toUnits(pose.position.z, kPosZMin, kPosZMax);
  s.interacting = interacting;
  return s;
}

Transform dequantizeCube(const CubeState& s) {
  WriteStream out(16);
  CubeState c = s;
  out.serializeBits(c.largest, 2);
  out.serializeBits(c.a, kOrientationBits);
  out.serializeBits(c.b, kOrientationBits);
  out.serializeBits(c.c, kOrientationBits);
  const std::vector<uint8_t> bytes = out.take();
  ReadStream in(bytes.data(), 2 + 3 * kOrientationBits);
  Transform t;
  serializeQuatSmallestThree(in, t.orientation, kOrientationBits);
  const float unit = 1.0f / kUnitsPerMetre;
  t.position = {static_cast<float>(s.x) * unit, static_cast<float>(s.y) * unit, static_cast<float>(s.z) * unit};
  return t;
}

bool isValid(const CubeState& s) {
  return s.largest <= 3 && s.a <= kOrientationMax && s.b <= kOrientationMax && s.c <= kOrientationMax &&
         s.x >= kPosXYMin && s.x <= kPosXYMax && s.y >= kPosXYMin && s.y <= kPosXYMax && s.z >= kPosZMin &&
         s.z <= kPosZMax;
}

const FieldLayout& cubeLayout() {
  // bits, presentIfZero, delta order (fields coded alone), group size, largest index:
  // the smallest-three orientation (its index, then its three components as a group),
  // the position as a group, the flag; nothing after it.
  static const FieldLayout layout{{{2, -1, 0, 1, true},
                                   {9, -1, 2, 3},
                                   {9, -1, 2},
                                   {9, -1, 2},
                                   {18, -1, 3, 3},
                                   {18, -1, 3},
                                   {14, -1, 3},
                                   {1, -1, 0}},
                                  /*tail=*/false};
  return layout;
}

} // namespace ferrum::bench
