#include <algorithm>
#include <cmath>

#include "ferrum/quantize.h"
#include "snapshot/snapshot_wire.h"

namespace ferrum::snapshot {

namespace {
constexpr float kBound = 0.70710678f; // |smallest three| <= 1/sqrt(2)

uint32_t packComponent(float v) {
  const float unit = (std::clamp(v, -kBound, kBound) + kBound) / (2 * kBound);
  return static_cast<uint32_t>(
      std::clamp(static_cast<long>(std::lround(unit * static_cast<float>(kOrientationMax))), 0L, long{kOrientationMax}));
}

float unpackComponent(uint32_t v) {
  return static_cast<float>(v) / static_cast<float>(kOrientationMax) * (2 * kBound) - kBound;
}

/// The four components (x, y, z, w) a receiver rebuilds, not renormalized.
void unpackOrientation(const CubeState& s, float comps[4]) {
  const uint32_t small[3] = {s.a, s.b, s.c};
  float sum = 0;
  int n = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    if (i == s.largest) continue;
    comps[i] = unpackComponent(small[n++]);
    sum += comps[i] * comps[i];
  }
  comps[s.largest] = std::sqrt(std::max(0.0f, 1.0f - sum));
}

int32_t toUnits(float metres, int32_t lo, int32_t hi) {
  const double units = std::nearbyint(static_cast<double>(metres) * kUnitsPerMetre);
  return static_cast<int32_t>(std::clamp(units, static_cast<double>(lo), static_cast<double>(hi)));
}
} // namespace

CubeState quantizeCube(const Transform& pose, bool interacting) {
  CubeState s;
  const Quat q = canonicalQuat(pose.orientation);
  const float comps[4] = {q.x, q.y, q.z, q.w};
  uint32_t largest = 0;
  for (uint32_t i = 1; i < 4; ++i)
    if (std::fabs(comps[i]) > std::fabs(comps[largest])) largest = i;
  uint32_t small[3];
  int n = 0;
  for (uint32_t i = 0; i < 4; ++i)
    if (i != largest) small[n++] = packComponent(comps[i]);
  s.largest = largest;
  s.a = small[0];
  s.b = small[1];
  s.c = small[2];
  s.x = toUnits(pose.position.x, kPosXYMin, kPosXYMax);
  s.y = toUnits(pose.position.y, kPosXYMin, kPosXYMax);
  s.z = toUnits(pose.position.z, kPosZMin, kPosZMax);
  s.interacting = interacting;
  return s;
}

Transform dequantizeCube(const CubeState& s) {
  float c[4];
  unpackOrientation(s, c);
  const float len = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2] + c[3] * c[3]);
  Transform t;
  t.orientation = {c[0] / len, c[1] / len, c[2] / len, c[3] / len};
  const float unit = 1.0f / kUnitsPerMetre;
  t.position = {static_cast<float>(s.x) * unit, static_cast<float>(s.y) * unit, static_cast<float>(s.z) * unit};
  return t;
}

bool isValid(const CubeState& s) {
  return s.largest <= 3 && s.a <= kOrientationMax && s.b <= kOrientationMax && s.c <= kOrientationMax &&
         s.x >= kPosXYMin && s.x <= kPosXYMax && s.y >= kPosXYMin && s.y <= kPosXYMax && s.z >= kPosZMin &&
         s.z <= kPosZMax;
}

Snapshot Snapshot::full(std::vector<CubeState> states) {
  Snapshot s;
  s.known.assign(states.size(), 1);
  s.objects = std::move(states);
  return s;
}

bool SnapshotConfig::validate(const char** why) const {
  const char* problem = nullptr;
  if (maxObjects == 0 || maxObjects > (1u << 20)) problem = "maxObjects must be 1..2^20";
  else if (ringSize < 2 || ringSize > 1024 || (ringSize & (ringSize - 1)) != 0)
    problem = "ringSize must be a power of two in 2..1024";
  else if (maxPacketBytes < 16) problem = "maxPacketBytes must be at least 16";
  else if (budgetKbps < 0) problem = "budgetKbps must be >= 0";
  else if (!(sendHz > 0)) problem = "sendHz must be > 0";
  else if (!(playerWeight >= 0 && unknownWeight >= 0 && movingWeight >= 0 && restingWeight > 0))
    problem = "priority weights must be >= 0 (resting > 0, so nothing starves)";
  if (why) *why = problem;
  return problem == nullptr;
}

namespace wire {

void reexpressOrientation(const CubeState& base, uint32_t largest, uint32_t out[3]) {
  float c[4];
  unpackOrientation(base, c);
  // q and -q are the same rotation; the wire keeps the largest component non-negative.
  const float sign = c[largest] < 0 ? -1.0f : 1.0f;
  int n = 0;
  for (uint32_t i = 0; i < 4; ++i)
    if (i != largest) out[n++] = packComponent(sign * c[i]);
}

std::vector<uint32_t> changeOrder(const Snapshot& baseline, uint32_t objectCount, int32_t focusIndex) {
  struct Key {
    int64_t rank;
    uint32_t index;
  };
  const bool hasFocus = focusIndex >= 0 && baseline.has(static_cast<size_t>(focusIndex));
  const CubeState focus = hasFocus ? baseline.objects[static_cast<size_t>(focusIndex)] : CubeState{};
  std::vector<Key> keys(objectCount);
  for (uint32_t i = 0; i < objectCount; ++i) {
    int64_t group = 2, d2 = 0;
    if (!baseline.has(i)) {
      group = 0;
    } else {
      const CubeState& s = baseline.objects[i];
      if (s.interacting) group = 1;
      if (hasFocus) {
        const int64_t dx = s.x - focus.x, dy = s.y - focus.y, dz = s.z - focus.z;
        d2 = dx * dx + dy * dy + dz * dz; // < 2^39 inside the grid
      }
    }
    keys[i] = {(group << 44) | d2, i};
  }
  std::sort(keys.begin(), keys.end(),
            [](const Key& l, const Key& r) { return l.rank != r.rank ? l.rank < r.rank : l.index < r.index; });
  std::vector<uint32_t> order(objectCount);
  for (uint32_t i = 0; i < objectCount; ++i) order[i] = keys[i].index;
  return order;
}

} // namespace wire
} // namespace ferrum::snapshot
