#include "net/block_changes.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ferrum {

// Eight bytes at a time, each word mixed in by a multiply and a rotation (a fast,
// well-spread hash for short payloads; not for anything adversarial: a collision only
// costs a byte comparison).
uint64_t blockHash(uint32_t bits, const std::vector<uint8_t>& payload) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = (uint64_t{bits} << 32 | payload.size()) * kMul;
  const uint8_t* p = payload.data();
  size_t n = payload.size();
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (std::rotl(h, 29) ^ word) * kMul;
  }
  uint64_t tail = 0;
  if (n > 0) std::memcpy(&tail, p, n);
  h = (std::rotl(h, 29) ^ tail ^ n) * kMul;
  return h ^ (h >> 31);
}

const std::vector<uint32_t>& BlockChanges::update(const std::vector<wire::StateBlock>& blocks) {
  m_changed.clear();
  const bool sorted = std::is_sorted(blocks.begin(), blocks.end(),
                                     [](const wire::StateBlock& a, const wire::StateBlock& b) { return a.id < b.id; });
  size_t old = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const wire::StateBlock& b = blocks[i];
    while (sorted && old < m_previous.size() && m_previous[old].id < b.id) ++old;
    const bool same = sorted && old < m_previous.size() && m_previous[old].id == b.id &&
                      m_previous[old].bits == b.bits && m_previous[old].payload == b.payload;
    if (!same) m_changed.push_back(static_cast<uint32_t>(i));
  }
  // Kept for the next send, reusing each slot's buffer (no allocation once warm).
  if (!sorted) {
    m_previous.clear();
    return m_changed;
  }
  m_previous.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    m_previous[i].id = blocks[i].id;
    m_previous[i].bits = blocks[i].bits;
    m_previous[i].baselineAge = blocks[i].baselineAge;
    m_previous[i].payload.assign(blocks[i].payload.begin(), blocks[i].payload.end());
  }
  return m_changed;
}

} // namespace ferrum
