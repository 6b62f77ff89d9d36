#pragma once
// The spawn baseline: the whole state block an entity's Spawn message stands for, so
// that once the receiver has acknowledged the spawn (SpawnAck) the sender may code the
// entity's next blocks as field deltas against it, and a body that has not moved since
// its spawn is not sent at all until its refresh.
//
// Sender and receiver must hold the very same bits. Both build them with this one
// function from the very same bytes: the encoded Spawn message the sender put on the
// reliable channel, and the same bytes as the receiver took them off it. Nothing goes
// through a float: the spawn's ranged integers (position, "smallest three"
// orientation, velocities, all at the type's EntityType::statePrecision) are copied
// into a block laid out as serializeRigidState writes it at that precision, with the
// at-rest flag set when the spawn's velocities are all zero (or not on the wire) and
// an empty tail. For a RigidBodyController type whose block precision is its spawn
// precision, that is bit for bit the block of a body that has not moved since.

#include <cstdint>
#include <span>
#include <vector>

#include "wire/messages.h"

namespace ferrum {

struct SpawnBaseline {
  uint32_t bits = 0;
  std::vector<uint8_t> payload;
};

/// The baseline a Spawn message (`message`: [type:4][Spawn] as on the reliable
/// channel) stands for. False (nothing to use) when it is not a Spawn, is malformed, or
/// its type declares no precision (its state is raw floats).
bool spawnBaselineOf(std::span<const uint8_t> message, const wire::PrecisionOf& precisionOf, SpawnBaseline& out);

/// A spawn baseline is named only by blocks in packets 1..kSpawnBaselineWindow
/// sequences after its anchor (net/baseline_store.h, net/delta_sender.h): far from the
/// 16-bit wrap, and never by a packet sent before the spawn could be known.
constexpr uint16_t kSpawnBaselineWindow = 8192;

/// Whether packet `sequence` may name a spawn baseline anchored at `anchor`.
constexpr bool inSpawnWindow(uint16_t sequence, uint16_t anchor) {
  const uint16_t ahead = static_cast<uint16_t>(sequence - anchor);
  return ahead >= 1 && ahead <= kSpawnBaselineWindow;
}

} // namespace ferrum
