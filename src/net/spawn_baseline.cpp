#include "net/spawn_baseline.h"

namespace ferrum {

namespace {

/// A ranged field exactly as serializeQuantized codes it: the same bit pattern
/// whether read from a spawn or written into a block.
bool copyRanged(ReadStream& in, WriteStream& out, const QuantRange& range, int32_t* value = nullptr) {
  int32_t index = 0;
  if (!in.serializeInt(index, 0, range.maxIndex())) return false;
  if (value) *value = index;
  return out.serializeInt(index, 0, range.maxIndex());
}

} // namespace

bool spawnBaselineOf(std::span<const uint8_t> message, const wire::PrecisionOf& precisionOf, SpawnBaseline& out) {
  // The Spawn's leading fields, as wire::Spawn::serialize reads them.
  ReadStream in(message);
  uint32_t type = 0, id = 0, entityType = 0, authority = 0;
  wire::readMessageType(in, type);
  in.serializeBits(id, 32);
  in.serializeUint(entityType, 1, 0xFFFF);
  in.serializeUint(authority, 0, kMaxClientPeer);
  if (!in.ok() || type != static_cast<uint32_t>(wire::MessageType::Spawn) || !precisionOf) return false;
  const RigidQuantization* q = precisionOf(static_cast<EntityTypeId>(entityType));
  if (!q) return false;

  // Then serializeSpawnState's fields, each copied into serializeRigidState's order.
  WriteStream block(wire::kMaxBlockBits / 8);
  if (!copyRanged(in, block, q->positionX) || !copyRanged(in, block, q->positionY) ||
      !copyRanged(in, block, q->positionZ))
    return false;
  if (q->orientationBits > 0) {
    uint32_t largest = 0;
    if (!in.serializeBits(largest, 2) || !block.serializeBits(largest, 2)) return false;
    const int32_t maxIndex = (1 << q->orientationBits) - 1;
    for (int i = 0; i < 3; ++i) {
      int32_t packed = 0;
      if (!in.serializeInt(packed, 0, maxIndex) || !block.serializeInt(packed, 0, maxIndex)) return false;
    }
  } else {
    uint32_t raw = 0; // four floats the block does not carry
    for (int i = 0; i < 4; ++i)
      if (!in.serializeBits(raw, 32)) return false;
  }
  // Velocities: read into a scratch stream first, since the block puts the at-rest
  // flag before them and the flag depends on them.
  WriteStream velocities(64);
  bool moving = false;
  if (q->velocities) {
    const QuantRange* ranges[6] = {&q->linearVelocity, &q->linearVelocity, &q->linearVelocity,
                                   &q->angularVelocity, &q->angularVelocity, &q->angularVelocity};
    const int count = q->angularVelocities ? 6 : 3;
    for (int i = 0; i < count; ++i) {
      int32_t index = 0;
      if (!copyRanged(in, velocities, *ranges[i], &index)) return false;
      moving = moving || index != ranges[i]->index(0.0f);
    }
  }
  if (q->restFlag) {
    bool atRest = !moving;
    block.serializeBool(atRest);
  }
  if (q->velocities && (!q->restFlag || moving))
    block.serializeRawBits(velocities.buffer().data(), velocities.bits());
  if (!in.ok() || !block.ok()) return false;
  out.bits = static_cast<uint32_t>(block.bits());
  out.payload = block.take();
  return true;
}

} // namespace ferrum
