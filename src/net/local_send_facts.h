#pragma once
// What a sender works out once per send about each of its own blocks, for every
// receiver's delta sender (DeltaSender::SendFacts): each entity's dense slot, the
// block's hash, its layout and its type's priority. Without it each of N clients
// looked the entity, its type and its layout up again for every block it considered.

#include <cstdint>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"
#include "net/delta_sender.h"
#include "net/entity_slots.h"
#include "net/shared_codings.h"
#include "wire/messages.h"

namespace ferrum {

struct LocalSendFacts {
  /// Slots of every entity any receiver's delta sender keeps state of; released when
  /// the entity is gone (after every sender forgot it).
  EntitySlots slots;
  // Parallel to the send's blocks.
  std::vector<uint32_t> slot;
  std::vector<uint64_t> hash;
  std::vector<const FieldLayout*> layout;
  std::vector<float> priority;
  std::vector<uint32_t> indexOfSlot; ///< by slot: the index of its block, or EntitySlots::kNone
  /// This send's codings, shared by every receiver's sender.
  SharedCodings codings;
  /// What each tick's blocks are written with and into, kept from tick to tick: a
  /// server writes every entity's block every tick, and a fresh buffer for each
  /// (256 bytes reserved for a block of about 20) was 1.6 % of the 64-client server's
  /// thread in malloc alone.
  WriteStream blockWriter{wire::kMaxBlockBits / 8};
  std::vector<std::vector<uint8_t>> sparePayloads; ///< the last tick's block payloads

  void clear() {
    for (uint32_t s : slot) indexOfSlot[s] = EntitySlots::kNone;
    slot.clear();
    hash.clear();
    layout.clear();
    priority.clear();
    codings.clear();
  }
  /// A block's facts, the blocks being built in order.
  void add(uint32_t blockSlot, uint64_t blockHash, const FieldLayout* blockLayout, float typePriority) {
    if (blockSlot >= indexOfSlot.size()) indexOfSlot.resize(size_t{blockSlot} + 1, EntitySlots::kNone);
    indexOfSlot[blockSlot] = static_cast<uint32_t>(slot.size());
    slot.push_back(blockSlot);
    hash.push_back(blockHash);
    layout.push_back(blockLayout);
    priority.push_back(typePriority);
  }
  /// The layout this tick's block of `id` was built with (null: no block of it this tick).
  const FieldLayout* layoutOf(EntityId id) const {
    const uint32_t s = slots.find(id);
    const uint32_t index = s < indexOfSlot.size() ? indexOfSlot[s] : EntitySlots::kNone;
    return index < layout.size() ? layout[index] : nullptr;
  }
  DeltaSender::SendFacts view() {
    return {slot.data(),        hash.data(),        layout.data(), priority.data(),
            indexOfSlot.data(), indexOfSlot.size(), &codings};
  }
};

} // namespace ferrum
