#include "wire/payload_extent.h"

#include <algorithm>

#include "ferrum/quantize.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace ferrum::wire {
namespace {

constexpr uint32_t kTailOrder = 4; // as wire/field_delta.cpp codes a changed tail's length

bool gateOpen(const FieldLayout& layout, size_t i, const uint32_t* values) {
  const int gate = layout.fields[i].presentIfZero;
  return gate < 0 || static_cast<size_t>(gate) >= i || values[static_cast<size_t>(gate)] == 0;
}

/// A group's members: class (coded against the delta's previous one, as the codec
/// does), then each member raw or in `class` bits.
bool skipMembers(ReadStream& in, const FieldLayout::Field* f, size_t count, uint32_t cls) {
  for (size_t j = 0; j < count; ++j)
    if (!in.skipBits(cls == 0 ? f[j].bits : cls)) return false;
  return true;
}

bool skipDelta(ReadStream& in, const FieldLayout& layout, uint16_t baselineAge) {
  // The base code first: a predicted delta codes its fields as a plain one, but for
  // what its first class is coded against (from the baseline age).
  uint32_t span = 0;
  if (!readPredictionSpan(in, span)) return false;
  const auto& fs = layout.fields;
  uint32_t values[kMaxLayoutFields] = {}; // only the 1-bit fields' values matter (gates)
  uint32_t previousClass = firstClassBefore(span, baselineAge);
  bool allChanged = false;
  if (hasGroups(layout) && !in.serializeBool(allChanged)) return false;
  for (size_t i = 0; i < fs.size();) {
    const FieldLayout::Field& f = fs[i];
    const size_t at = i;
    const size_t count = f.largestIndex ? 4 : f.groupSize > 1 ? f.groupSize : 1;
    i += count;
    if (!gateOpen(layout, at, values)) continue;
    if (count == 1) {
      if (f.bits == 1) {
        if (!in.serializeBits(values[at], 1)) return false;
        continue;
      }
      uint32_t changed = 0, raw = 0;
      if (!in.serializeBits(changed, 1)) return false;
      if (!changed) continue;
      if (!in.serializeBits(raw, 1)) return false;
      if (raw) {
        if (!in.skipBits(f.bits)) return false;
      } else {
        uint32_t z = 0;
        if (!serializeExpGolomb(in, z, f.deltaOrder) || z == 0xFFFFFFFFu) return in.fail();
      }
      continue;
    }
    const size_t first = f.largestIndex ? at + 1 : at, members = f.largestIndex ? 3 : count;
    uint32_t changed = 1, cls = 0;
    if (!allChanged && !in.serializeBits(changed, 1)) return false;
    if (!changed) continue;
    if (f.largestIndex) {
      uint32_t newIndex = 0, step = 0;
      if (!in.serializeBits(newIndex, 1)) return false;
      if (newIndex && (!in.serializeBits(step, 2) || step > 2)) return in.fail();
    }
    if (!serializeClass(in, cls, &fs[first], members, previousClass)) return false;
    if (!skipMembers(in, &fs[first], members, cls)) return false;
  }
  if (!layout.tail) return in.ok();
  bool same = false;
  if (!in.serializeBool(same)) return false;
  if (same) return true;
  uint32_t length = 0;
  if (!serializeExpGolomb(in, length, kTailOrder) || length > in.bitsRemaining()) return in.fail();
  return in.skipBits(length);
}

bool skipWhole(ReadStream& in, const FieldLayout& layout) {
  uint32_t values[kMaxLayoutFields] = {};
  for (size_t i = 0; i < layout.fields.size(); ++i)
    if (gateOpen(layout, i, values) && !in.serializeBits(values[i], layout.fields[i].bits)) return false;
  return in.ok();
}

} // namespace

bool deltaSelfDelimiting(const FieldLayout& layout) {
  if (!fieldLayoutUsable(layout)) return false;
  const auto& fs = layout.fields;
  for (size_t i = 0; i < fs.size(); ++i) {
    const int gate = fs[i].presentIfZero;
    if (gate < 0) continue;
    // A gate on a later field is never closed (field_delta's gateOpen); one on a wider
    // field would take its value from the baseline when unchanged.
    if (static_cast<size_t>(gate) < i && fs[static_cast<size_t>(gate)].bits != 1) return false;
  }
  return true;
}

bool wholeSelfDelimiting(const FieldLayout& layout) { return !layout.tail && deltaSelfDelimiting(layout); }

bool payloadExtent(ReadStream in, const FieldLayout& layout, uint16_t baselineAge, size_t maxBits, size_t& bits) {
  const bool delta = baselineAge != 0;
  if (!(delta ? deltaSelfDelimiting(layout) : wholeSelfDelimiting(layout))) return false;
  const size_t start = in.bitPosition();
  if (!(delta ? skipDelta(in, layout, baselineAge) : skipWhole(in, layout))) return false;
  bits = in.bitPosition() - start;
  return bits <= maxBits;
}

bool walkEndsExactly(const uint8_t* payload, size_t bits, uint16_t baselineAge, const FieldLayout& layout) {
  size_t walked = 0;
  return payloadExtent(ReadStream(payload, bits), layout, baselineAge, kMaxBlockBits, walked) && walked == bits;
}

} // namespace ferrum::wire
