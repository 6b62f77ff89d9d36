#pragma once
// Blocks for DeltaSender tests: a 32-bit value as an entity's whole block, and the ids
// of what a select() chose.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ferrum/bit_stream.h"
#include "wire/messages.h"

namespace testing_support {

/// Entity `id`'s whole block holding `value` (32 bits).
inline ferrum::wire::StateBlock block(uint32_t id, uint32_t value) {
  ferrum::WriteStream w;
  w.serializeBits(value, 32);
  ferrum::wire::StateBlock b;
  b.id = ferrum::EntityId{id};
  b.bits = 32;
  b.payload = w.take();
  return b;
}

/// The entity ids of `chosen`, in order.
inline std::vector<uint32_t> ids(const std::vector<const ferrum::wire::StateBlock*>& chosen) {
  std::vector<uint32_t> out;
  for (const auto* b : chosen) out.push_back(b->id.value);
  return out;
}

inline const auto kEqualWeight = [](ferrum::EntityId) { return 1.0f; };
constexpr size_t kRoomy = 100000; ///< bits: every block fits

} // namespace testing_support
