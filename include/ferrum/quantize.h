#pragma once
/// Ranged, quantized fields for the bit streams: floats to integers with a declared
/// range and step, vectors, and "smallest three" quaternions. All are templates over
/// the stream so one serialize function writes, reads and measures.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ferrum/bit_stream.h"
#include "ferrum/math.h"

namespace ferrum {

/// A float range [min, max] sent in steps of `step` (e.g. 1/512 m).
struct QuantRange {
  float min;
  float max;
  float step;
  int32_t maxIndex() const { return static_cast<int32_t>(std::lround((max - min) / step)); }
  /// Value snapped to the grid the wire uses (clamped into the range).
  float snap(float v) const { return min + static_cast<float>(index(v)) * step; }
  int32_t index(float v) const {
    const float clamped = std::clamp(v, min, max);
    return std::clamp(static_cast<int32_t>(std::lround((clamped - min) / step)), 0, maxIndex());
  }
};

/// Writes `value` clamped and snapped into `range`; reads it back on the grid.
template <class Stream>
bool serializeQuantized(Stream& s, float& value, const QuantRange& range) {
  int32_t index = 0;
  if constexpr (Stream::kWriting) index = range.index(value);
  if (!s.serializeInt(index, 0, range.maxIndex())) return false;
  if constexpr (Stream::kReading) value = range.min + static_cast<float>(index) * range.step;
  return true;
}

template <class Stream>
bool serializeQuantized(Stream& s, Vec3& v, const QuantRange& rx, const QuantRange& ry, const QuantRange& rz) {
  return serializeQuantized(s, v.x, rx) && serializeQuantized(s, v.y, ry) && serializeQuantized(s, v.z, rz);
}

template <class Stream>
bool serializeQuantized(Stream& s, Vec3& v, const QuantRange& r) {
  return serializeQuantized(s, v, r, r, r);
}

template <class Stream>
bool serializeVec3(Stream& s, Vec3& v) {
  return s.serializeFloat(v.x) && s.serializeFloat(v.y) && s.serializeFloat(v.z);
}

template <class Stream>
bool serializeQuatRaw(Stream& s, Quat& q) {
  return s.serializeFloat(q.x) && s.serializeFloat(q.y) && s.serializeFloat(q.z) && s.serializeFloat(q.w);
}

/// Normalizes q and picks the sign with a non-negative largest component, so that
/// sender and receiver agree on the exact quantized value.
Quat canonicalQuat(Quat q);

/// The smallest-three components of `q` with component `largest` left out, each in
/// [-1/sqrt2, 1/sqrt2] at `bits` bits; `q` is taken with the sign that makes that
/// component non-negative. (The field-delta codec also calls it to re-express a
/// baseline orientation in another largest index.)
inline void packSmallestThree(const Quat& q, uint32_t largest, int bits, int32_t packed[3]) {
  constexpr float kBound = 0.70710678f;
  const int32_t maxIndex = (1 << bits) - 1;
  float comps[4] = {q.x, q.y, q.z, q.w};
  if (comps[largest & 3] < 0)
    for (float& c : comps) c = -c;
  int n = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    if (i == (largest & 3)) continue;
    const float unit = (std::clamp(comps[i], -kBound, kBound) + kBound) / (2 * kBound);
    packed[n++] = std::clamp(static_cast<int32_t>(std::lround(unit * static_cast<float>(maxIndex))), 0, maxIndex);
  }
}

/// The unit quaternion a receiver rebuilds from a smallest-three code.
inline Quat unpackSmallestThree(uint32_t largest, const int32_t packed[3], int bits) {
  constexpr float kBound = 0.70710678f;
  const int32_t maxIndex = (1 << bits) - 1;
  float comps[4] = {0, 0, 0, 0};
  float sum = 0;
  int n = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    if (i == (largest & 3)) continue;
    comps[i] = static_cast<float>(packed[n++]) / static_cast<float>(maxIndex) * (2 * kBound) - kBound;
    sum += comps[i] * comps[i];
  }
  comps[largest & 3] = std::sqrt(std::max(0.0f, 1.0f - sum));
  const float len = std::sqrt(sum + comps[largest & 3] * comps[largest & 3]);
  return {comps[0] / len, comps[1] / len, comps[2] / len, comps[3] / len};
}

/// "Smallest three": the index of the largest component (2 bits) and the other
/// three in [-1/sqrt2, 1/sqrt2] with `bits` bits each. The largest is rebuilt.
template <class Stream>
bool serializeQuatSmallestThree(Stream& s, Quat& q, int bits) {
  const int32_t maxIndex = (1 << bits) - 1;
  uint32_t largest = 0;
  int32_t packed[3] = {0, 0, 0};
  if constexpr (Stream::kWriting) {
    const Quat c = canonicalQuat(q);
    const float comps[4] = {c.x, c.y, c.z, c.w};
    for (uint32_t i = 1; i < 4; ++i)
      if (std::fabs(comps[i]) > std::fabs(comps[largest])) largest = i;
    packSmallestThree(c, largest, bits, packed);
  }
  if (!s.serializeBits(largest, 2)) return false;
  for (int32_t& p : packed)
    if (!s.serializeInt(p, 0, maxIndex)) return false;
  if constexpr (Stream::kReading) q = unpackSmallestThree(largest, packed, bits);
  return true;
}

/// The orientation a receiver decodes for `q` at `bits` per component.
Quat snapQuat(Quat q, int bits);

} // namespace ferrum
