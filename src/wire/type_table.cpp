#include <algorithm>

#include "wire/messages.h"

namespace ferrum::wire {

// FNV-1a, 64 bit: a fixed, documented function, so every build and platform agrees
// (std::hash promises neither).
uint64_t typeTableFingerprint(const std::vector<TypeEntry>& table) {
  std::vector<const TypeEntry*> sorted;
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
  }
  return hash;
}

} // namespace ferrum::wire
