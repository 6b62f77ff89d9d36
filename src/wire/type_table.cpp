#include <algorithm>
#include <bit>

#include "wire/messages.h"

namespace ferrum::wire {

// FNV-1a, 64 bit: a fixed, documented function, so every build and platform agrees
// (std::hash promises neither).
uint64_t typeTableFingerprint(const std::vector<TypeEntry>& table) {
  std::vector<const TypeEntry*> sorted;
  sorted.reserve(table.size());
  for (const TypeEntry& e : table) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const TypeEntry* a, const TypeEntry* b) { return a->id < b->id; });
  uint64_t hash = 0xcbf29ce484222325ull;
  auto add = [&](uint8_t byte) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  };
  for (const TypeEntry* e : sorted) {
    const size_t length = std::min(e->name.size(), kMaxTypeNameBytes);
    add(static_cast<uint8_t>(e->id >> 8));
    add(static_cast<uint8_t>(e->id & 0xFF));
    add(e->clientMaySpawn ? 1 : 0);
    add(e->onOwnerLeave);
    add(static_cast<uint8_t>(length));
    for (size_t i = 0; i < length; ++i) add(static_cast<uint8_t>(e->name[i]));
    for (int shift = 24; shift >= 0; shift -= 8) add(static_cast<uint8_t>(e->precision >> shift));
  }
  return hash;
}

bool readTypeEntries(ReadStream& s, uint32_t count, std::vector<TypeEntry>& entries) {
  entries.clear();
  count = std::min(count, kMaxTypeEntries);
  while (entries.size() < count) {
    TypeEntry e;
    if (!e.serialize(s)) return false;
    entries.push_back(std::move(e));
  }
  return s.ok();
}

uint32_t precisionDigest(const RigidQuantization* q) {
  if (!q) return 0;
  uint32_t hash = 0x811c9dc5u; // FNV-1a, 32 bit
  auto add = [&](uint32_t word) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      hash ^= static_cast<uint8_t>(word >> shift);
      hash *= 0x01000193u;
    }
  };
  for (const QuantRange* r : {&q->positionX, &q->positionY, &q->positionZ, &q->linearVelocity, &q->angularVelocity}) {
    add(std::bit_cast<uint32_t>(r->min));
    add(std::bit_cast<uint32_t>(r->max));
    add(std::bit_cast<uint32_t>(r->step));
  }
  add(static_cast<uint32_t>(q->orientationBits));
  add((q->velocities ? 1u : 0u) | (q->angularVelocities ? 2u : 0u) | (q->restFlag ? 4u : 0u));
  return hash == 0 ? 1 : hash;
}

} // namespace ferrum::wire
