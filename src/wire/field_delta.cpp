#include "wire/field_delta.h"

#include "wire/exp_golomb.h"

namespace ferrum::wire {
namespace {

constexpr uint32_t kTailOrder = 4;

uint32_t mask(int bits) { return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1); }


bool presentIn(const FieldLayout& layout, size_t i, const std::vector<uint32_t>& values) {
  const int gate = layout.fields[i].presentIfZero;
  return gate < 0 || static_cast<size_t>(gate) >= i || values[static_cast<size_t>(gate)] == 0;
}

} // namespace

bool splitFields(const FieldLayout& layout, const uint8_t* data, size_t bits, FieldValues& out) {
  const size_t n = layout.fields.size();
  out.values.assign(n, 0);
  out.present.assign(n, 0);
  ReadStream in(data, bits);
  for (size_t i = 0; i < n; ++i) {
    if (!presentIn(layout, i, out.values)) continue;
    out.present[i] = 1;
    if (!in.serializeBits(out.values[i], layout.fields[i].bits)) return false;
  }
  out.tailStart = in.bitPosition();
  return in.ok();
}

bool writeFieldDelta(WriteStream& out, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                     const uint8_t* current, size_t currentBits) {
  // Scratch kept per thread: every block of every packet passes here, and four small
  // vectors a call were a good share of a packet's encode time.
  thread_local FieldValues base, cur;
  if (!splitFields(layout, baseline, baselineBits, base) || !splitFields(layout, current, currentBits, cur))
    return false;
  for (size_t i = 0; i < layout.fields.size(); ++i) {
    if (!cur.present[i]) continue;
    const FieldLayout::Field& f = layout.fields[i];
    const uint32_t b = base.present[i] ? base.values[i] : 0;
    uint32_t changed = cur.values[i] != b ? 1 : 0;
    out.serializeBits(changed, 1);
    if (!changed || f.bits == 1) continue;
    uint32_t z = zigzag(int64_t{cur.values[i]} - int64_t{b}) - 1;
    uint32_t raw = expGolombBits(z, f.deltaOrder) >= f.bits ? 1 : 0;
    out.serializeBits(raw, 1);
    if (raw) out.serializeBits(cur.values[i], f.bits);
    else serializeExpGolomb(out, z, f.deltaOrder);
  }
  const size_t baseTail = baselineBits - base.tailStart, curTail = currentBits - cur.tailStart;
  bool same = baseTail == curTail;
  if (same) {
    ReadStream a(baseline, baselineBits), c(current, currentBits);
    a.skipBits(base.tailStart);
    c.skipBits(cur.tailStart);
    for (size_t left = curTail; same && left > 0;) {
      const int chunk = static_cast<int>(left < 32 ? left : 32);
      uint32_t x = 0, y = 0;
      a.serializeBits(x, chunk);
      c.serializeBits(y, chunk);
      same = x == y;
      left -= static_cast<size_t>(chunk);
    }
  }
  out.serializeBool(same);
  if (!same) {
    uint32_t length = static_cast<uint32_t>(curTail);
    serializeExpGolomb(out, length, kTailOrder);
    ReadStream c(current, currentBits);
    c.skipBits(cur.tailStart);
    for (size_t left = curTail; left > 0;) {
      const int chunk = static_cast<int>(left < 32 ? left : 32);
      uint32_t y = 0;
      c.serializeBits(y, chunk);
      out.serializeBits(y, chunk);
      left -= static_cast<size_t>(chunk);
    }
  }
  return out.ok();
}

bool readFieldDelta(ReadStream& in, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                    WriteStream& full) {
  thread_local FieldValues base; // scratch, as in writeFieldDelta
  thread_local std::vector<uint32_t> values;
  if (!splitFields(layout, baseline, baselineBits, base)) return false;
  const size_t n = layout.fields.size();
  values.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!presentIn(layout, i, values)) continue;
    const FieldLayout::Field& f = layout.fields[i];
    const uint32_t b = base.present[i] ? base.values[i] : 0;
    uint32_t changed = 0;
    if (!in.serializeBits(changed, 1)) return false;
    if (!changed) {
      values[i] = b;
    } else if (f.bits == 1) {
      values[i] = b ^ 1u;
    } else {
      uint32_t raw = 0;
      if (!in.serializeBits(raw, 1)) return false;
      if (raw) {
        if (!in.serializeBits(values[i], f.bits)) return false;
      } else {
        uint32_t z = 0;
        if (!serializeExpGolomb(in, z, f.deltaOrder) || z == 0xFFFFFFFFu) return in.fail();
        const int64_t v = int64_t{b} + unzigzag(z + 1);
        if (v < 0 || v > int64_t{mask(f.bits)}) return in.fail(); // leaves the field
        values[i] = static_cast<uint32_t>(v);
      }
    }
    full.serializeBits(values[i], f.bits);
  }
  bool same = false;
  if (!in.serializeBool(same)) return false;
  ReadStream tail;
  size_t tailBits = 0;
  if (same) {
    tail = ReadStream(baseline, baselineBits);
    tail.skipBits(base.tailStart);
    tailBits = baselineBits - base.tailStart;
  } else {
    uint32_t length = 0;
    if (!serializeExpGolomb(in, length, kTailOrder) || length > in.bitsRemaining()) return in.fail();
    tail = in;
    tailBits = length;
    in.skipBits(length);
  }
  for (size_t left = tailBits; left > 0;) {
    const int chunk = static_cast<int>(left < 32 ? left : 32);
    uint32_t y = 0;
    tail.serializeBits(y, chunk);
    full.serializeBits(y, chunk);
    left -= static_cast<size_t>(chunk);
  }
  return in.ok() && tail.ok() && full.ok() && in.bitsRemaining() == 0;
}

} // namespace ferrum::wire
