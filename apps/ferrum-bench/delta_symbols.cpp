#include "delta_symbols.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "wire/exp_golomb.h"
#include "wire/field_delta.h"

namespace ferrum::bench {

namespace {
constexpr uint32_t kOrders = 16;
constexpr size_t kPrefixes = 33;

/// The symbol the live code sends for a changed field (wire/field_delta.h).
uint32_t zigzagMinusOne(uint32_t value, uint32_t base) {
  return wire::zigzag(int64_t{value} - int64_t{base}) - 1; // value != base: never below 0
}
} // namespace

void DeltaSymbols::Model::reset() {
  counts.assign(kPrefixes, 1);
  total = static_cast<uint32_t>(kPrefixes);
  changed[0] = changed[1] = 1;
}

double DeltaSymbols::Model::code(bool isChanged, bool hasValue, uint32_t prefix) {
  double bits = -std::log2(static_cast<double>(changed[isChanged ? 1 : 0]) / (changed[0] + changed[1]));
  ++changed[isChanged ? 1 : 0];
  if (!hasValue) return bits;
  bits += -std::log2(static_cast<double>(counts[prefix]) / total);
  counts[prefix] += 2;
  total += 2;
  return bits;
}

DeltaSymbols::DeltaSymbols(const FieldLayout& layout)
    : m_layout(layout), m_models(layout.fields.size()), m_packetModels(layout.fields.size()),
      m_static(layout.fields.size()), m_adaptive(layout.fields.size()),
      m_fixedOrderBits(layout.fields.size(), std::vector<uint64_t>(kOrders, 0)) {
  for (Model& m : m_models) m.reset();
  for (Model& m : m_packetModels) m.reset();
}

void DeltaSymbols::endPacket(size_t packetBits, size_t headerBits) {
  ++m_packets;
  m_packetBits += packetBits;
  m_headerBits += headerBits;
  for (Model& m : m_packetModels) m.reset();
}

void DeltaSymbols::add(const uint8_t* base, size_t baseBits, const uint8_t* current, size_t currentBits,
                       size_t liveBits) {
  wire::FieldValues b, c;
  if (!wire::splitFields(m_layout, base, baseBits, b) || !wire::splitFields(m_layout, current, currentBits, c)) return;
  ++m_blocks;
  m_liveBits += liveBits;
  for (size_t i = 0; i < m_layout.fields.size(); ++i) {
    if (!c.present[i]) continue;
    const FieldLayout::Field& f = m_layout.fields[i];
    const uint32_t from = b.present[i] ? b.values[i] : 0;
    const bool changed = c.values[i] != from;
    // The "changed" flag: 1 bit in every fixed scheme.
    m_flagBits += 1;
    const bool hasValue = changed && f.bits != 1;
    const uint32_t z = hasValue ? zigzagMinusOne(c.values[i], from) : 0;
    // Range coder: the Exp-Golomb order-0 prefix length as a symbol, suffix bits raw.
    const uint32_t prefix = static_cast<uint32_t>(std::bit_width(uint64_t{z} + 1)) - 1;
    m_rangeBits += m_models[i].code(changed, hasValue, prefix);
    m_packetRangeBits += m_packetModels[i].code(changed, hasValue, prefix);
    ++m_static[i].changed[changed ? 1 : 0];
    if (!hasValue) continue;
    ++m_static[i].prefixes[prefix];
    m_suffixBits += prefix;
    // Live: raw:1, then the value or Exp-Golomb at the layout's order, whichever it took.
    const size_t eg = wire::expGolombBits(z, f.deltaOrder);
    m_liveFieldBits += 1 + std::min<size_t>(eg, f.bits);
    // Best fixed order in hindsight (the raw escape kept).
    for (uint32_t k = 0; k < kOrders; ++k)
      m_fixedOrderBits[i][k] += 1 + std::min<size_t>(wire::expGolombBits(z, k), f.bits);
    // Adaptive order: log2 of the running mean, both sides update after the symbol.
    Adaptive& a = m_adaptive[i];
    const uint32_t mean = a.mean16 / 16;
    const uint32_t k = mean > 0 ? std::min<uint32_t>(kOrders - 1, static_cast<uint32_t>(std::bit_width(mean)) - 1) : 0;
    m_adaptiveBits += 1 + std::min<size_t>(wire::expGolombBits(z, k), f.bits);
    a.mean16 = a.mean16 - a.mean16 / 8 + std::min<uint32_t>(z, 1u << 20) * 2; // mean over about 8 values
  }
  // The tail's "same" bit, alike in every scheme.
  m_flagBits += 1;
  m_rangeBits += 1;
  m_packetRangeBits += 1;
}

nlohmann::json DeltaSymbols::report() const {
  uint64_t bestFixed = 0;
  nlohmann::json orders = nlohmann::json::array();
  for (size_t i = 0; i < m_fixedOrderBits.size(); ++i) {
    const auto& v = m_fixedOrderBits[i];
    const auto best = std::min_element(v.begin(), v.end());
    bestFixed += *best;
    orders.push_back(static_cast<int>(best - v.begin()));
  }
  // A range coder flushes about 2 bytes per packet (counted) on top of its model cost.
  const double flush = 16.0 * static_cast<double>(m_packets);
  const double suffixes = static_cast<double>(m_suffixBits); // sent raw by every coder
  const double range = m_rangeBits + suffixes + flush;
  double entropy = 0; // static tables: the run's own frequencies
  auto cost = [&entropy](const uint64_t* n, size_t count) {
    uint64_t total = 0;
    for (size_t k = 0; k < count; ++k) total += n[k];
    for (size_t k = 0; k < count; ++k)
      if (n[k]) entropy += static_cast<double>(n[k]) * -std::log2(static_cast<double>(n[k]) / static_cast<double>(total));
  };
  for (const Static& st : m_static) {
    cost(st.changed, 2);
    cost(st.prefixes.data(), st.prefixes.size());
  }
  const double staticTables = entropy + suffixes + static_cast<double>(m_blocks) + flush;
  nlohmann::json j;
  j["delta_blocks"] = m_blocks;
  j["packets"] = m_packets;
  j["live_delta_payload_bits"] = m_liveBits;
  j["fixed_schemes_flag_bits"] = m_flagBits;
  j["live_field_bits"] = m_liveFieldBits + m_flagBits;
  j["best_fixed_order_bits"] = bestFixed + m_flagBits;
  j["best_fixed_orders"] = orders;
  j["adaptive_order_bits"] = m_adaptiveBits + m_flagBits;
  j["range_coder_bits"] = range;
  j["range_coder_reset_per_packet_bits"] = m_packetRangeBits + suffixes + flush;
  j["static_tables_bits"] = staticTables;
  j["packet_bits"] = m_packetBits;
  j["header_bits"] = m_headerBits;
  j["whole_blocks"] = m_wholeBlocks;
  j["whole_payload_bits"] = m_wholeBits;
  j["framing_bits"] = m_packetBits - m_headerBits - m_wholeBits - m_liveBits;
  return j;
}

} // namespace ferrum::bench
