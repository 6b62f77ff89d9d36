#pragma once
// The snapshot message, bit by bit: one serialize per part over write, read and
// measure streams. docs/protocol.md ("Snapshots") describes the same layout; change
// both together.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/snapshot_codec.h"
#include "wire/exp_golomb.h"

namespace ferrum::snapshot::wire {

constexpr uint32_t kPositionClassBits = 4;
constexpr uint32_t kPositionAbsolute = 15; ///< class that carries absolute coordinates
constexpr uint32_t kOrientationClassBits = 4;
constexpr uint32_t kOrientationAbsolute = 9; ///< deltas of 9+ bits cost as much as the value
constexpr uint32_t kGapKBits = 4;

inline uint32_t zigzag(int64_t v) { return static_cast<uint32_t>(v >= 0 ? 2 * v : -2 * v - 1); }
inline int64_t unzigzag(uint32_t u) { return (u & 1) ? -static_cast<int64_t>(u >> 1) - 1 : static_cast<int64_t>(u >> 1); }
inline uint32_t bitLength(uint32_t v) { return static_cast<uint32_t>(bitsRequired(v)); }

// The change list's gaps use the wire layer's Exp-Golomb code.
using ferrum::wire::expGolombBits;
using ferrum::wire::serializeExpGolomb;

/// The baseline's orientation re-expressed with `largest` as the dropped component,
/// so a cube crossing a "largest component" boundary still gets a small delta.
/// Float math, but identical code on both sides; exactness is checked in the tests.
void reexpressOrientation(const CubeState& base, uint32_t largest, uint32_t out[3]);

/// The order in which the change list walks the objects, computed from the baseline
/// alone (receiver and sender agree): unknown first, then interacting ones, then the
/// rest, each by distance to the focus object. Objects that change cluster at the
/// front, so the gaps between them are short.
std::vector<uint32_t> changeOrder(const Snapshot& baseline, uint32_t objectCount, int32_t focusIndex);

template <class S>
bool serializeCubeFull(S& s, CubeState& c) {
  s.serializeUint(c.largest, 0, 3);
  s.serializeUint(c.a, 0, kOrientationMax);
  s.serializeUint(c.b, 0, kOrientationMax);
  s.serializeUint(c.c, 0, kOrientationMax);
  s.serializeInt(c.x, kPosXYMin, kPosXYMax);
  s.serializeInt(c.y, kPosXYMin, kPosXYMax);
  s.serializeInt(c.z, kPosZMin, kPosZMax);
  s.serializeBool(c.interacting);
  return s.ok();
}

/// Sends `n` zigzagged deltas in a class of `cls` bits each.
template <class S>
bool serializeDeltas(S& s, uint32_t (&zz)[3], uint32_t cls) {
  for (uint32_t& v : zz) s.serializeBits(v, static_cast<int>(cls));
  return s.ok();
}

template <class S>
bool serializeCubeDelta(S& s, const CubeState& base, CubeState& cur) {
  bool toggled = cur.interacting != base.interacting;
  s.serializeBool(toggled);
  if constexpr (S::kReading) cur.interacting = base.interacting != toggled;

  // Position: one magnitude class for the three axes (they move together), then each
  // zigzagged delta in that many bits. Class 0 = position unchanged.
  uint32_t zz[3] = {0, 0, 0};
  uint32_t cls = 0;
  if constexpr (S::kWriting) {
    zz[0] = zigzag(int64_t{cur.x} - base.x);
    zz[1] = zigzag(int64_t{cur.y} - base.y);
    zz[2] = zigzag(int64_t{cur.z} - base.z);
    cls = std::min(bitLength(std::max({zz[0], zz[1], zz[2]})), kPositionAbsolute);
  }
  s.serializeBits(cls, kPositionClassBits);
  if (cls == kPositionAbsolute) {
    s.serializeInt(cur.x, kPosXYMin, kPosXYMax);
    s.serializeInt(cur.y, kPosXYMin, kPosXYMax);
    s.serializeInt(cur.z, kPosZMin, kPosZMax);
  } else if (serializeDeltas(s, zz, cls)) {
    if constexpr (S::kReading) {
      const int64_t x = base.x + unzigzag(zz[0]), y = base.y + unzigzag(zz[1]), z = base.z + unzigzag(zz[2]);
      if (x < kPosXYMin || x > kPosXYMax || y < kPosXYMin || y > kPosXYMax || z < kPosZMin || z > kPosZMax)
        return s.fail();
      cur.x = static_cast<int32_t>(x);
      cur.y = static_cast<int32_t>(y);
      cur.z = static_cast<int32_t>(z);
    }
  }

  // Orientation: deltas against the baseline seen with the same dropped component.
  bool sameLargest = cur.largest == base.largest;
  s.serializeBool(sameLargest);
  uint32_t largest = base.largest;
  if (!sameLargest) {
    largest = cur.largest;
    s.serializeUint(largest, 0, 3);
  }
  if (!s.ok()) return false;
  uint32_t predicted[3] = {base.a, base.b, base.c};
  if (!sameLargest) reexpressOrientation(base, largest, predicted);
  if constexpr (S::kWriting) {
    zz[0] = zigzag(int64_t{cur.a} - predicted[0]);
    zz[1] = zigzag(int64_t{cur.b} - predicted[1]);
    zz[2] = zigzag(int64_t{cur.c} - predicted[2]);
    cls = std::min(bitLength(std::max({zz[0], zz[1], zz[2]})), kOrientationAbsolute);
  }
  s.serializeBits(cls, kOrientationClassBits);
  if constexpr (S::kReading) {
    if (cls > kOrientationAbsolute) return s.fail();
    cur.largest = largest;
  }
  if (cls == kOrientationAbsolute) {
    s.serializeUint(cur.a, 0, kOrientationMax);
    s.serializeUint(cur.b, 0, kOrientationMax);
    s.serializeUint(cur.c, 0, kOrientationMax);
  } else if (serializeDeltas(s, zz, cls)) {
    if constexpr (S::kReading) {
      uint32_t* out[3] = {&cur.a, &cur.b, &cur.c};
      for (int i = 0; i < 3; ++i) {
        const int64_t v = int64_t{predicted[i]} + unzigzag(zz[i]);
        if (v < 0 || v > kOrientationMax) return s.fail();
        *out[i] = static_cast<uint32_t>(v);
      }
    }
  }
  return s.ok();
}

/// [sequence:16][has baseline:1][baseline age:log2(ring)][object count].
struct PacketHeader {
  uint16_t sequence = 0;
  bool hasBaseline = false;
  uint16_t baselineSequence = 0;
  uint32_t objectCount = 0;

  template <class S>
  bool serialize(S& s, const SnapshotConfig& config) {
    uint32_t seq = sequence;
    s.serializeBits(seq, 16);
    s.serializeBool(hasBaseline);
    if (hasBaseline) {
      uint32_t age = static_cast<uint16_t>(sequence - baselineSequence);
      s.serializeUint(age, 1, config.ringSize - 1);
      if constexpr (S::kReading) baselineSequence = static_cast<uint16_t>(seq - age);
    }
    s.serializeUint(objectCount, 0, config.maxObjects);
    if constexpr (S::kReading) sequence = static_cast<uint16_t>(seq);
    return s.ok();
  }
};

/// [count][gap k:4] then per sent object: [gap: Exp-Golomb k][delta or full state].
/// `ranks` are positions in changeOrder(), strictly increasing.
struct PacketBody {
  uint32_t gapK = 0;
  std::vector<uint32_t> ranks;
  std::vector<CubeState> states;

  template <class S>
  bool serialize(S& s, const Snapshot& baseline, std::span<const uint32_t> order) {
    const uint32_t objectCount = static_cast<uint32_t>(order.size());
    uint32_t count = static_cast<uint32_t>(ranks.size());
    s.serializeUint(count, 0, objectCount);
    if (!s.ok() || count == 0) return s.ok();
    s.serializeBits(gapK, kGapKBits);
    if constexpr (S::kReading) {
      ranks.assign(count, 0);
      states.assign(count, CubeState{});
    }
    uint32_t next = 0;
    for (uint32_t j = 0; j < count; ++j) {
      uint32_t gap = ranks[j] - next;
      if (!serializeExpGolomb(s, gap, gapK)) return false;
      if constexpr (S::kReading) {
        if (gap >= objectCount - next) return s.fail();
        ranks[j] = next + gap;
      }
      next = ranks[j] + 1;
      const uint32_t index = order[ranks[j]];
      const bool ok = baseline.has(index) ? serializeCubeDelta(s, baseline.objects[index], states[j])
                                          : serializeCubeFull(s, states[j]);
      if (!ok) return false;
    }
    return s.ok();
  }
};

} // namespace ferrum::snapshot::wire
