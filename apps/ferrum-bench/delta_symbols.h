#pragma once
// An offline measurement for a decision: would entropy coding of the field-delta
// symbols pay? Fed every delta block the "ferrum fields" row decodes (its baseline and
// the rebuilt whole state), it counts what the live code spends on the fields
// (wire/field_delta.h: changed:1, raw:1, Exp-Golomb at the layout's fixed order) and
// what three alternatives would:
//   - best fixed order: each field's Exp-Golomb order chosen in hindsight over the
//     whole run (an upper bound for any per-field order setting);
//   - adaptive order: each field's order follows a running mean of its recent values,
//     updated the same way on both sides (costs no side information);
//   - range coder: an adaptive model per field (a binary model for "changed", counts
//     over the Exp-Golomb prefix length, the suffix bits sent raw), cost -log2 p per
//     symbol, i.e. an ideal arithmetic coder's output plus 16 bits of flush per
//     packet. Three ways to keep the models: adapting over the whole run (needs every
//     packet: an upper bound on an unreliable channel), reset at every packet (what
//     survives loss without more machinery), and static tables (the run's own final
//     frequencies: the best any fixed table could do on this stream).
// It also splits the packets' bits into header, framing, whole payloads and deltas.
// Nothing here is on the wire; it only reports.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "ferrum/field_layout.h"

namespace ferrum::bench {

class DeltaSymbols {
public:
  explicit DeltaSymbols(const FieldLayout& layout);
  /// One delta block: the whole payloads of its baseline and of the state it rebuilt
  /// to, and the bits the live code spent on it.
  void add(const uint8_t* base, size_t baseBits, const uint8_t* current, size_t currentBits, size_t liveBits);
  /// Starts a new packet (the range coder's flush cost is counted per packet).
  void endPacket(size_t packetBits, size_t headerBits);
  /// A block sent whole, `bits` of payload.
  void addWhole(size_t bits) {
    ++m_wholeBlocks;
    m_wholeBits += bits;
  }
  nlohmann::json report() const;

private:
  struct Adaptive {
    uint32_t mean16 = 16 * 4; ///< running mean of the magnitude, x16
  };
  struct Model {
    std::vector<uint32_t> counts; ///< per prefix length 0..32, plus one (never 0)
    uint32_t total = 0;
    uint32_t changed[2] = {1, 1};
    void reset();
    /// Cost of the symbols under this model, then adapt.
    double code(bool changed, bool hasValue, uint32_t prefix);
  };
  struct Static {
    std::vector<uint64_t> prefixes = std::vector<uint64_t>(33, 0);
    uint64_t changed[2] = {0, 0};
  };
  const FieldLayout& m_layout;
  std::vector<Model> m_models, m_packetModels;
  std::vector<Static> m_static;
  std::vector<Adaptive> m_adaptive;
  std::vector<std::vector<uint64_t>> m_fixedOrderBits; ///< per field, per order 0..15
  uint64_t m_blocks = 0, m_packets = 0;
  uint64_t m_liveBits = 0, m_liveFieldBits = 0, m_adaptiveBits = 0, m_flagBits = 0;
  double m_rangeBits = 0, m_packetRangeBits = 0;
  uint64_t m_suffixBits = 0, m_wholeBlocks = 0, m_wholeBits = 0, m_headerBits = 0, m_packetBits = 0;
};

} // namespace ferrum::bench
