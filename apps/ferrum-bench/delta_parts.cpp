#include "delta_parts.h"

#include "wire/exp_golomb.h"
#include "wire/field_delta.h"

namespace ferrum::bench {

namespace {
const char* const kKindNames[] = {"resend", "pushed", "moving", "settled"};
const char* const kPartNames[] = {"id_code", "framing", "whole", "base_code", "changed",
                                  "index", "first_class", "later_class", "components", "flags"};
} // namespace

void DeltaParts::add(Kind kind, size_t idBits, size_t framingBits, const uint8_t* payload, size_t bits,
                     uint16_t age) {
  Parts& p = m_parts[kind];

  ++m_blocks[kind];
  p[IdCode] += idBits;
  p[Framing] += framingBits;
  if (age == 0) {
    p[Whole] += bits;
    return;
  }
  // The walk of wire/payload_extent.cpp, counting as it goes (the cube layout: no gates).
  ReadStream in(payload, bits);
  auto mark = [&in](uint64_t& part, size_t from) { part += in.bitPosition() - from; };
  size_t at = in.bitPosition();
  uint32_t span = 0;
  wire::readPredictionSpan(in, span);
  mark(p[BaseCode], at);
  ++m_spans[span];
  const auto& fs = m_layout.fields;
  uint32_t previousClass = wire::firstClassBefore(span, age);
  bool first = true, allChanged = false;
  at = in.bitPosition();
  if (wire::hasGroups(m_layout)) in.serializeBool(allChanged);
  mark(p[Changed], at);
  for (size_t i = 0; i < fs.size() && in.ok();) {
    const FieldLayout::Field& f = fs[i];
    const size_t unit = i;
    const size_t count = f.largestIndex ? 4 : f.groupSize > 1 ? f.groupSize : 1;
    i += count;
    at = in.bitPosition();
    uint32_t value = 0;
    if (count == 1 && f.bits == 1) {
      in.serializeBits(value, 1);
      mark(p[Flags], at);
      continue;
    }
    if (count == 1) { // a single field: changed, then raw bit and value or Exp-Golomb
      in.serializeBits(value, 1);
      mark(p[Changed], at);
      if (!value) continue;
      at = in.bitPosition();
      uint32_t raw = 0;
      in.serializeBits(raw, 1);
      if (raw) in.skipBits(f.bits);
      else wire::serializeExpGolomb(in, value, f.deltaOrder);
      mark(p[Components], at);
      continue;
    }
    const FieldLayout::Field* members = f.largestIndex ? &fs[unit + 1] : &fs[unit];
    const size_t memberCount = f.largestIndex ? 3 : count;
    if (!allChanged) {
      in.serializeBits(value, 1);
      mark(p[Changed], at);
      if (!value) continue;
    }
    if (f.largestIndex) {
      at = in.bitPosition();
      uint32_t newIndex = 0, step = 0;
      in.serializeBits(newIndex, 1);
      if (newIndex) in.serializeBits(step, 2);
      mark(p[Index], at);
    }
    at = in.bitPosition();
    uint32_t cls = 0;
    wire::serializeClass(in, cls, members, memberCount, previousClass);
    mark(first ? p[FirstClass] : p[LaterClass], at);
    if (first) ++m_firstClassByAge[age][cls];
    first = false;
    at = in.bitPosition();
    for (size_t j = 0; j < memberCount; ++j) in.skipBits(cls == 0 ? members[j].bits : cls);
    mark(p[Components], at);
  }
}

void DeltaParts::endPacket(size_t packetBits, size_t headerBits) {
  ++m_packets;
  m_packetBits += packetBits;
  m_headerBits += headerBits;
}

nlohmann::json DeltaParts::report() const {
  nlohmann::json j;
  j["packets"] = m_packets;
  j["packet_bits"] = m_packetBits;
  j["header_bits"] = m_headerBits;
  Parts all{};
  uint64_t blocks = 0;
  for (int k = 0; k < kKinds; ++k) {
    nlohmann::json kind;
    kind["blocks"] = m_blocks[k];
    uint64_t total = 0;
    for (int part = 0; part < kParts; ++part) {
      kind[kPartNames[part]] = m_parts[k][part];
      all[part] += m_parts[k][part];
      total += m_parts[k][part];
    }
    kind["bits"] = total;
    blocks += m_blocks[k];
    j["kinds"][kKindNames[k]] = kind;
  }
  uint64_t blockBits = 0;
  for (int part = 0; part < kParts; ++part) {
    j["all"][kPartNames[part]] = all[part];
    blockBits += all[part];
  }
  j["all"]["blocks"] = blocks;
  // The end markers and padding: what the blocks and headers do not explain.
  j["end_and_padding_bits"] = m_packetBits - m_headerBits - blockBits;
  for (const auto& [age, classes] : m_firstClassByAge)
    for (const auto& [cls, n] : classes) j["first_class_by_age"][std::to_string(age)][std::to_string(cls)] = n;
  for (const auto& [span, n] : m_spans) j["spans"][std::to_string(span)] = n;
  return j;
}

} // namespace ferrum::bench
