#pragma once
// One object of ferrum-bench's frames in the 2015 challenge layout (80 bits whole):
// "smallest three" orientation at 9 bits per component, position on a 1/512 m grid
// (z up), and an "interacting" flag. The recording stores exactly these integers; the
// cube scenario quantizes Bullet poses into them. The orientation goes through the
// library's own smallest-three code (ferrum/quantize.h), so the bench has no codec of
// its own: every row that codes these states does it with the live path's functions.

#include <cstdint>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"
#include "ferrum/math.h"

namespace ferrum::bench {

constexpr int32_t kUnitsPerMetre = 512;
constexpr int32_t kPosXYMin = -131072, kPosXYMax = 131071; ///< ±256 m
constexpr int32_t kPosZMin = 0, kPosZMax = 16383;          ///< 0..32 m, z up
constexpr int kOrientationBits = 9;
constexpr uint32_t kOrientationMax = (1u << kOrientationBits) - 1;

struct CubeState {
  uint32_t largest = 3;               ///< 0..3 (x, y, z, w)
  uint32_t a = 256, b = 256, c = 256; ///< 0..511, the components other than `largest`
  int32_t x = 0, y = 0, z = 0;        ///< 1/512 m; z is up
  bool interacting = false;
  friend bool operator==(const CubeState&, const CubeState&) = default;
};

/// Snaps a pose (z up, metres) onto the grid; out-of-range positions are clamped.
CubeState quantizeCube(const Transform& pose, bool interacting);
/// The pose a receiver reconstructs from `state`.
Transform dequantizeCube(const CubeState& state);
/// True when every field lies in its declared range.
bool isValid(const CubeState& state);

/// The whole 80-bit state, in the order of cubeLayout(): largest:2, a, b, c:9 each,
/// x, y:18, z:14 (ranged, offset by the minimum), interacting:1.
template <class S>
bool serializeCube(S& s, CubeState& c) {
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

/// serializeCube's fields for the live path's field deltas.
const FieldLayout& cubeLayout();

} // namespace ferrum::bench
