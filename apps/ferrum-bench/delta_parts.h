#pragma once
// Where the "ferrum fields" row's bits go: every packet taken apart into its header,
// the blocks' framing (the id code, the rest of the framing) and their payloads (a
// delta's base code, "changed" bits, orientation index bits, first and later
// magnitude classes, component bits, 1-bit fields; whole payloads), both over all
// blocks and per kind of block:
//   resend    the receiver already held exactly this state (sent before, not yet
//             acknowledged when this packet was made)
//   pushed    the state's 1-bit field ("interacting") is set: the player's cube has
//             authority over it
//   moving    changed since the previous packet's frame
//   settled   unchanged since the previous packet's frame, yet new to the receiver
// and the first magnitude class by the delta's age (packets from its baseline).
// Nothing here is on the wire; it only reports.

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"

namespace ferrum::bench {

class DeltaParts {
public:
  enum Kind : uint8_t { Resend, Pushed, Moving, Settled, kKinds };
  enum Part : uint8_t {
    IdCode,
    Framing, ///< the "more" bit and everything between the id code and the payload
    Whole,
    BaseCode,
    Changed,
    Index,
    FirstClass,
    LaterClass,
    Components,
    Flags,
    kParts
  };

  explicit DeltaParts(const FieldLayout& layout) : m_layout(layout) {}
  /// One block: its framing bits (id code and the rest) and its payload, of `age`
  /// (0: whole).
  void add(Kind kind, size_t idBits, size_t framingBits, const uint8_t* payload, size_t bits, uint16_t age);
  void endPacket(size_t packetBits, size_t headerBits);
  nlohmann::json report() const;

private:
  using Parts = std::array<uint64_t, kParts>;
  const FieldLayout& m_layout;
  std::array<Parts, kKinds> m_parts{};
  std::array<uint64_t, kKinds> m_blocks{};
  uint64_t m_packets = 0, m_packetBits = 0, m_headerBits = 0;
  /// age -> first class -> count (the first unit's class of each delta)
  std::map<uint32_t, std::map<uint32_t, uint64_t>> m_firstClassByAge;
  std::map<uint32_t, uint64_t> m_spans;
};

} // namespace ferrum::bench
