#pragma once
// Codings of one send's blocks that every receiver's delta sender may share. A block
// coded against acknowledged blocks is a function of the block, of those baselines
// (the entity's blocks of two earlier sends) and of their ages: the same bits whoever
// receives it. With many clients acknowledging promptly most receivers name the same
// baselines, so a server codes each such block once per send instead of once per
// client, and walks it once for the length rule.

#include <cstdint>
#include <vector>

#include "wire/messages.h"

namespace ferrum {

class SharedCodings {
public:
  /// What a coding against acknowledged blocks depends on besides the block itself.
  struct Key {
    uint32_t b1Tick = 0; ///< the tick of the send that carried B1, the newest acknowledged block
    uint32_t b2Tick = 0; ///< that of B2, the one acknowledged before it (0 when span is 0)
    uint16_t age = 0;    ///< packets from B1 to this one
    uint16_t span = 0;   ///< packets from B2 to B1 (0: no prediction)
    bool operator==(const Key&) const = default;
  };
  /// Which coding won: B1 ends up named (Plain) or B2 (Predicted), or neither (Whole).
  enum class Choice : uint8_t { Whole, Plain, Predicted };
  struct Coding {
    Key key;
    Choice choice = Choice::Whole;
    wire::StateBlock block;
    int8_t walkEndsExactly = -1; ///< the length rule's walk of `block` by its layout: -1 not yet done
  };

  /// A new send: every coding is forgotten (their buffers are kept for the next).
  void clear() {
    for (uint32_t slot : m_touched) m_bySlot[slot].used = 0;
    m_touched.clear();
  }
  /// The coding of the entity at `slot` for `key` made in this send, or null.
  Coding* find(uint32_t slot, const Key& key) {
    if (slot >= m_bySlot.size()) return nullptr;
    PerSlot& s = m_bySlot[slot];
    for (uint32_t i = 0; i < s.used; ++i)
      if (s.codings[i].key == key) return &s.codings[i];
    return nullptr;
  }
  /// Room for a new coding of the entity at `slot` (the caller fills it in); valid
  /// until clear(). At most kMaxPerSlot per entity: past that, null (code it alone).
  Coding* add(uint32_t slot, const Key& key) {
    if (slot >= m_bySlot.size()) m_bySlot.resize(size_t{slot} + 1);
    PerSlot& s = m_bySlot[slot];
    if (s.used >= kMaxPerSlot) return nullptr;
    if (s.used == 0) m_touched.push_back(slot);
    if (s.used == s.codings.size()) s.codings.emplace_back();
    Coding& c = s.codings[s.used++];
    c.key = key;
    c.walkEndsExactly = -1;
    return &c;
  }

  uint64_t hits = 0;   ///< codings taken from another receiver's
  uint64_t misses = 0; ///< codings made (and offered to the others)

private:
  /// Receivers that lag name other baselines; a handful of variants covers most.
  static constexpr uint32_t kMaxPerSlot = 4;
  struct PerSlot {
    uint32_t used = 0;
    std::vector<Coding> codings; ///< may outgrow `used`: spare codings with their buffers
  };
  std::vector<PerSlot> m_bySlot;
  std::vector<uint32_t> m_touched;
};

} // namespace ferrum
