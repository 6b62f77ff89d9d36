#include "wire/field_delta.h"

#include <algorithm>
#include <cmath>

#include "ferrum/quantize.h"
#include "wire/exp_golomb.h"

namespace ferrum::wire {
namespace {

constexpr uint32_t kTailOrder = 4;

/// zigzag() without its 32-bit wrap: a 32-bit field's difference needs 33 bits.
uint64_t zigzagWide(int64_t d) { return d >= 0 ? 2 * static_cast<uint64_t>(d) : 2 * static_cast<uint64_t>(-d) - 1; }

uint32_t mask(int bits) { return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1); }

/// A payload taken apart by a layout, on the stack: every block of every packet is
/// split twice (baseline and current), and heap vectors were a good share of the time.
struct Split {
  uint32_t values[kMaxLayoutFields];
  bool present[kMaxLayoutFields];
  size_t tailStart = 0;
};

bool gateOpen(const FieldLayout& layout, size_t i, const uint32_t* values) {
  const int gate = layout.fields[i].presentIfZero;
  return gate < 0 || static_cast<size_t>(gate) >= i || values[static_cast<size_t>(gate)] == 0;
}

bool split(const FieldLayout& layout, const uint8_t* data, size_t bits, Split& out) {
  ReadStream in(data, bits);
  for (size_t i = 0; i < layout.fields.size(); ++i) {
    out.values[i] = 0;
    out.present[i] = gateOpen(layout, i, out.values);
    if (out.present[i] && !in.serializeBits(out.values[i], layout.fields[i].bits)) return false;
  }
  out.tailStart = in.bitPosition();
  return in.ok();
}

enum class Unit : uint8_t { Single, Group, Orientation };

/// The coding unit starting at field i and how many fields it spans (layout usable).
Unit unitAt(const FieldLayout& layout, size_t i, size_t& count) {
  const FieldLayout::Field& f = layout.fields[i];
  if (f.largestIndex) {
    count = 4;
    return Unit::Orientation;
  }
  if (f.groupSize > 1) {
    count = f.groupSize;
    return Unit::Group;
  }
  count = 1;
  return Unit::Single;
}

} // namespace

template <class S>
bool serializeClass(S& s, uint32_t& cls, const FieldLayout::Field* members, size_t count, uint32_t& previous) {
  int widest = 0;
  for (size_t j = 0; j < count; ++j) widest = std::max(widest, int{members[j].bits});
  const auto top = static_cast<uint32_t>(widest);
  if (previous == 0) {
    if (!s.serializeBits(cls, bitsRequired(static_cast<uint64_t>(widest - 1)))) return false;
    if (cls >= top) {
      if constexpr (S::kReading) return s.fail();
      return false;
    }
    previous = cls == 0 ? top : cls;
    return true;
  }
  // The members' widths (1..widest - 1, widest standing for raw) of a block's units
  // move together (a cube that moved far also turned far), so a later unit's is coded
  // against the one before it: usually the same or a neighbour, 1 or 3 bits. A
  // predicted delta's first one is coded so too, against firstClassBefore.
  const int64_t expected = std::min(previous, top);
  uint32_t z = zigzag(int64_t{cls == 0 ? top : cls} - expected);
  if (!serializeExpGolomb(s, z, 0)) return false;
  if constexpr (S::kReading) {
    if (z > 2 * top) return s.fail();
    const int64_t symbol = expected + unzigzag(z);
    if (symbol < 1 || symbol > int64_t{top}) return s.fail();
    cls = symbol == int64_t{top} ? 0 : static_cast<uint32_t>(symbol);
  }
  previous = cls == 0 ? top : cls;
  return true;
}

bool hasGroups(const FieldLayout& layout) {
  for (const FieldLayout::Field& f : layout.fields)
    if (f.largestIndex || f.groupSize > 1) return true;
  return false;
}

namespace {

/// The baseline's smallest-three components as they would be with `largest` left out.
void reexpress(uint32_t fromLargest, const uint32_t from[3], int bits, uint32_t toLargest, uint32_t to[3]) {
  const int32_t packed[3] = {static_cast<int32_t>(from[0]), static_cast<int32_t>(from[1]),
                             static_cast<int32_t>(from[2])};
  int32_t out[3] = {0, 0, 0};
  packSmallestThree(unpackSmallestThree(fromLargest, packed, bits), toLargest, bits, out);
  for (int j = 0; j < 3; ++j) to[j] = static_cast<uint32_t>(out[j]);
}

/// A changed unit's class (0: raw, else the bits of each member's zigzag difference,
/// below the widest member's) and the codes of its members against `base`.
uint32_t unitClass(const FieldLayout::Field* f, size_t count, const uint32_t* base, const uint32_t* cur,
                   uint32_t* z) {
  uint32_t widest = 0, any = 0;
  int rawBits = 0;
  for (size_t j = 0; j < count; ++j) {
    z[j] = zigzag(int64_t{cur[j]} - int64_t{base[j]}); // members are at most 31 bits: fits
    any |= z[j];
    widest = std::max<uint32_t>(widest, f[j].bits);
    rawBits += f[j].bits;
  }
  const int k = std::max(1, bitsRequired(any)); // the widest code's bits (an OR has the same top bit)
  return static_cast<uint32_t>(k) < widest && static_cast<int>(count) * k < rawBits ? static_cast<uint32_t>(k) : 0;
}

void writeMembers(WriteStream& out, const FieldLayout::Field* f, size_t count, const uint32_t* cur,
                  const uint32_t* z, uint32_t cls) {
  for (size_t j = 0; j < count; ++j) {
    uint32_t v = cls ? z[j] : cur[j];
    out.serializeBits(v, cls ? static_cast<int>(cls) : f[j].bits);
  }
}

bool readMembers(ReadStream& in, const FieldLayout::Field* f, size_t count, const uint32_t* base, uint32_t* cur,
                 uint32_t cls) {
  for (size_t j = 0; j < count; ++j) {
    if (cls == 0) {
      if (!in.serializeBits(cur[j], f[j].bits)) return false;
      continue;
    }
    uint32_t z = 0;
    if (!in.serializeBits(z, static_cast<int>(cls))) return false;
    const int64_t v = int64_t{base[j]} + unzigzag(z);
    if (v < 0 || v > int64_t{mask(f[j].bits)}) return in.fail(); // leaves the field
    cur[j] = static_cast<uint32_t>(v);
  }
  return true;
}

void copyTail(ReadStream from, size_t bits, WriteStream& to) {
  for (size_t left = bits; left > 0;) {
    const int chunk = static_cast<int>(left < 32 ? left : 32);
    uint32_t y = 0;
    from.serializeBits(y, chunk);
    to.serializeBits(y, chunk);
    left -= static_cast<size_t>(chunk);
  }
}

struct Rotation {
  double w, x, y, z;
};
Rotation multiply(const Rotation& a, const Rotation& b) {
  return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
          a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}

constexpr double kSmallestThreeBound = 0.70710678118654752; // 1/sqrt(2), as packSmallestThree

/// A smallest-three code ([largest][three components]) as a rotation, the largest
/// component rebuilt from the others (a unit quaternion without a further division).
Rotation unpacked(const uint32_t* v, int bits) {
  const double step = 2 * kSmallestThreeBound / static_cast<double>((1u << bits) - 1);
  const uint32_t largest = v[0] & 3;
  double c[4] = {0, 0, 0, 0}, sum = 0; // x, y, z, w
  for (uint32_t i = 0, n = 1; i < 4; ++i) {
    if (i == largest) continue;
    c[i] = static_cast<double>(v[n++]) * step - kSmallestThreeBound;
    sum += c[i] * c[i];
  }
  c[largest] = std::sqrt(std::max(0.0, 1.0 - sum));
  return {c[3], c[0], c[1], c[2]};
}

/// The smallest-three code of `r` in the index of its largest component.
void packed(const Rotation& r, int bits, uint32_t* out) {
  double c[4] = {r.x, r.y, r.z, r.w};
  uint32_t largest = 0;
  for (uint32_t i = 1; i < 4; ++i)
    if (std::fabs(c[i]) > std::fabs(c[largest])) largest = i;
  if (c[largest] < 0)
    for (double& v : c) v = -v;
  const double top = static_cast<double>((1u << bits) - 1);
  out[0] = largest;
  for (uint32_t i = 0, n = 1; i < 4; ++i) {
    if (i == largest) continue;
    const double unit = (std::clamp(c[i], -kSmallestThreeBound, kSmallestThreeBound) + kSmallestThreeBound) /
                        (2 * kSmallestThreeBound);
    out[n++] = static_cast<uint32_t>(std::clamp(std::floor(unit * top + 0.5), 0.0, top));
  }
}

/// The orientation B1 would reach turning on as it turned from B2: the turn d from B2
/// to B1 (B1 = d B2) applied ahead/span more times (whole turns, at most 64, by
/// multiplying; the fraction by normalized interpolation from no turn), in the largest
/// index of the result. A body that did not turn keeps B1's code as it is. Only
/// + - * / and sqrt (no libm function that may round differently elsewhere): both
/// sides get the same bits.
void predictOrientation(const uint32_t* b1, const uint32_t* b2, int bits, uint32_t span, uint32_t ahead,
                        uint32_t* out) {
  if (std::equal(b1, b1 + 4, b2)) {
    std::copy(b1, b1 + 4, out);
    return;
  }
  const Rotation q1 = unpacked(b1, bits);
  Rotation q2 = unpacked(b2, bits);
  if (q1.w * q2.w + q1.x * q2.x + q1.y * q2.y + q1.z * q2.z < 0) q2 = {-q2.w, -q2.x, -q2.y, -q2.z};
  const Rotation d = multiply(q1, {q2.w, -q2.x, -q2.y, -q2.z});
  Rotation p = q1;
  const uint32_t whole = ahead / span, part = ahead % span;
  for (uint32_t i = 0; i < whole && i < 64; ++i) p = multiply(d, p);
  if (part) {
    const double t = static_cast<double>(part) / span;
    Rotation f{1 - t + t * d.w, t * d.x, t * d.y, t * d.z};
    const double n = std::sqrt(f.w * f.w + f.x * f.x + f.y * f.y + f.z * f.z); // > 0: d.w >= 0 as q1.q2 >= 0
    f = {f.w / n, f.x / n, f.y / n, f.z / n};
    p = multiply(f, p);
  }
  packed(p, bits, out);
}

/// Which units a predicted delta extrapolates; the others keep B1's values as their
/// base. Groups (a position, a velocity) and orientation components pay on the recorded
/// stream (docs/benchmarks.md, "Predicted deltas"); a single field (a game's counter,
/// a health) is not assumed to move steadily, and 1-bit fields are sent as values.
bool predictsUnit(Unit unit) { return unit == Unit::Group || unit == Unit::Orientation; }

/// Replaces the predicted units' values in `base` (B1's) by their extrapolation from
/// B1 and B2; a field absent from either, or an orientation whose largest index moved
/// between them, keeps B1's.
void predictBase(const FieldLayout& layout, const Split& b1, const Split& b2, const FieldPrediction& p,
                 uint32_t* base) {
  const auto& fs = layout.fields;
  for (size_t i = 0; i < fs.size();) {
    size_t count = 1;
    const Unit unit = unitAt(layout, i, count);
    size_t first = i;
    i += count;
    if (!predictsUnit(unit)) continue;
    if (unit == Unit::Orientation) {
      if (!b1.present[first] || !b2.present[first]) continue;
      predictOrientation(b1.values + first, b2.values + first, fs[first + 1].bits, p.span, p.ahead, base + first);
      continue;
    }
    for (size_t j = first; j < first + count; ++j)
      if (b1.present[j] && b2.present[j])
        base[j] = predictField(b1.values[j], b2.values[j], p.span, p.ahead, mask(fs[j].bits));
  }
}

bool predictionUsable(const FieldPrediction& p) {
  return p.older && p.span >= 1 && p.span <= kMaxPredictionSpan && p.ahead >= 1 && p.ahead <= 0xFFFF;
}

} // namespace

uint32_t predictField(uint32_t b1, uint32_t b2, uint32_t span, uint32_t ahead, uint32_t max) {
  // |b1 - b2| < 2^32 and ahead < 2^16: the product fits in 64 bits.
  const int64_t n = (int64_t{b1} - int64_t{b2}) * int64_t{ahead};
  const int64_t s = span;
  const int64_t step = n >= 0 ? (n + s / 2) / s : -((-n + s / 2) / s);
  return static_cast<uint32_t>(std::clamp<int64_t>(int64_t{b1} + step, 0, int64_t{max}));
}

// The base code: [1] predicted, span 1 (a body sent in every packet, acknowledged in
// order: the usual case, so it costs one bit); [01][span - 2: Exp-Golomb order 0]
// predicted, span 2..kMaxPredictionSpan; [00] not predicted.
template <class S>
bool serializePredictionSpan(S& s, uint32_t& span) {
  uint32_t one = span == 1 ? 1 : 0;
  if (!s.serializeBits(one, 1)) return false;
  if (one) {
    span = 1;
    return true;
  }
  uint32_t predicted = span >= 2 ? 1 : 0;
  if (!s.serializeBits(predicted, 1)) return false;
  if (!predicted) {
    span = 0;
    return true;
  }
  uint32_t code = span - 2;
  if (!serializeExpGolomb(s, code, 0)) return false;
  if (code > kMaxPredictionSpan - 2) {
    if constexpr (S::kReading) return s.fail();
    return false;
  }
  span = code + 2;
  return true;
}

uint32_t firstClassBefore(uint32_t span, uint32_t ahead) {
  if (span == 0) return 0;
  // Measured on the recorded stream (docs/benchmarks.md): the first class centres on
  // about 2, 3, 5, 8 at 1, 3, 6, 12 packets ahead; 2, 3, 6, 9 (l = floor(log2 ahead):
  // 2 + l + l*l/2) costs the least over the four ages.
  const auto l = ahead > 1 ? static_cast<uint32_t>(bitsRequired(ahead) - 1) : 0; // floor(log2(ahead))
  return 2 + l + l * l / 2;
}

bool peekPredictionSpan(const uint8_t* payload, size_t bits, uint32_t& span) {
  ReadStream in(payload, bits);
  return serializePredictionSpan(in, span);
}

bool readPredictionSpan(ReadStream& in, uint32_t& span) { return serializePredictionSpan(in, span); }

bool splitFields(const FieldLayout& layout, const uint8_t* data, size_t bits, FieldValues& out) {
  if (layout.fields.size() > kMaxLayoutFields) return false;
  Split s;
  if (!split(layout, data, bits, s)) return false;
  out.values.assign(s.values, s.values + layout.fields.size());
  out.present.assign(s.present, s.present + layout.fields.size());
  out.tailStart = s.tailStart;
  return true;
}

bool fieldLayoutUsable(const FieldLayout& layout) {
  const auto& fs = layout.fields;
  if (fs.empty() || fs.size() > kMaxLayoutFields) return false;
  for (const FieldLayout::Field& f : fs)
    if (f.bits < 1 || f.bits > 32) return false;
  for (size_t i = 0; i < fs.size();) {
    const FieldLayout::Field& f = fs[i];
    size_t first = i, count = 1;
    if (f.largestIndex) {
      if (f.bits != 2 || i + 4 > fs.size() || fs[i + 1].groupSize != 3) return false;
      if (fs[i + 1].bits < 2 || fs[i + 1].bits > 30 || fs[i + 1].presentIfZero != f.presentIfZero) return false;
      for (size_t j = i + 2; j < i + 4; ++j)
        if (fs[j].bits != fs[i + 1].bits) return false;
      first = i + 1;
      count = 3;
    } else if (f.groupSize > 1) {
      count = f.groupSize;
      if (i + count > fs.size()) return false;
    } else {
      ++i;
      continue;
    }
    for (size_t j = first; j < first + count; ++j) {
      const FieldLayout::Field& m = fs[j];
      if (m.bits < 2 || m.bits > 31 || m.presentIfZero != fs[first].presentIfZero) return false;
      if (j > first && (m.groupSize > 1 || m.largestIndex)) return false;
    }
    i = first + count;
  }
  return true;
}

namespace {

/// One delta's bits from payloads already split: `b` the base every unit is coded
/// against (B1's, or predicted; an orientation whose index changes is re-expressed from
/// it), `span` the base code's (0: not predicted).
bool writeSplitDelta(WriteStream& out, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                     const Split& base, const uint8_t* current, size_t currentBits, const Split& cur,
                     const uint32_t* b, uint32_t span, uint32_t ahead) {
  const auto& fs = layout.fields;
  serializePredictionSpan(out, span);
  uint32_t previousClass = firstClassBefore(span, ahead);
  // [every group changed:1] (layouts with groups): 1 = no group has its changed bit.
  bool allChanged = hasGroups(layout);
  for (size_t i = 0; allChanged && i < fs.size();) {
    size_t count = 1;
    const Unit unit = unitAt(layout, i, count);
    if (unit != Unit::Single && cur.present[i] && std::equal(cur.values + i, cur.values + i + count, b + i))
      allChanged = false;
    i += count;
  }
  if (hasGroups(layout)) out.serializeBool(allChanged);
  for (size_t i = 0; i < fs.size();) {
    size_t count = 1;
    const Unit unit = unitAt(layout, i, count);
    const size_t at = i;
    i += count;
    if (!cur.present[at]) continue;
    const FieldLayout::Field& f = fs[at];
    if (unit == Unit::Single) {
      uint32_t value = cur.values[at];
      if (f.bits == 1) {
        out.serializeBits(value, 1);
        continue;
      }
      uint32_t changed = value != b[at] ? 1 : 0;
      out.serializeBits(changed, 1);
      if (!changed) continue;
      // A change of more than 2^31 in a 32-bit field has no 32-bit zigzag code: raw.
      const uint64_t wide = zigzagWide(int64_t{cur.values[at]} - int64_t{b[at]}) - 1;
      uint32_t z = static_cast<uint32_t>(wide);
      uint32_t raw = wide > 0xFFFFFFFFu || expGolombBits(z, f.deltaOrder) >= f.bits ? 1 : 0;
      out.serializeBits(raw, 1);
      if (raw) out.serializeBits(value, f.bits);
      else serializeExpGolomb(out, z, f.deltaOrder);
      continue;
    }
    bool changed = !std::equal(cur.values + at, cur.values + at + count, b + at);
    const bool orientation = unit == Unit::Orientation;
    const size_t first = orientation ? at + 1 : at, members = orientation ? 3 : count;
    const uint32_t* against = b + first;
    uint32_t moved[3], z[kMaxLayoutFields], cls = 0;
    const bool newIndex = orientation && cur.values[at] != b[at];
    if (newIndex) {
      reexpress(b[at] & 3, b + at + 1, fs[at + 1].bits, cur.values[at], moved);
      against = moved;
    }
    if (changed) cls = unitClass(&fs[first], members, against, cur.values + first, z);
    if (!allChanged) {
      uint32_t flag = changed ? 1 : 0;
      out.serializeBits(flag, 1);
      if (!changed) continue;
    }
    if (orientation) {
      uint32_t flag = newIndex ? 1 : 0;
      out.serializeBits(flag, 1);
      if (newIndex) {
        uint32_t step = (cur.values[at] - b[at] - 1) & 3;
        out.serializeBits(step, 2);
      }
    }
    serializeClass(out, cls, &fs[first], members, previousClass);
    writeMembers(out, &fs[first], members, cur.values + first, z, cls);
  }
  const size_t baseTail = baselineBits - base.tailStart, curTail = currentBits - cur.tailStart;
  if (!layout.tail) return baseTail == 0 && curTail == 0 && out.ok(); // not this layout's block: send it whole
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
    copyTail(c, curTail, out);
  }
  return out.ok();
}


/// B1's values as a plain delta's base.
void plainBase(const FieldLayout& layout, const Split& base, uint32_t* b) {
  for (size_t i = 0; i < layout.fields.size(); ++i) b[i] = base.present[i] ? base.values[i] : 0;
}

} // namespace

bool writeFieldDelta(WriteStream& out, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                     const uint8_t* current, size_t currentBits, const FieldPrediction* prediction) {
  if (!fieldLayoutUsable(layout)) return false;
  Split base, cur;
  if (!split(layout, baseline, baselineBits, base) || !split(layout, current, currentBits, cur)) return false;
  uint32_t b1[kMaxLayoutFields], b[kMaxLayoutFields];
  plainBase(layout, base, b1);
  std::copy(b1, b1 + layout.fields.size(), b);
  uint32_t span = 0;
  if (prediction) {
    Split older;
    if (!predictionUsable(*prediction) || !split(layout, prediction->older, prediction->olderBits, older)) return false;
    span = prediction->span;
    predictBase(layout, base, older, *prediction, b);
  }
  return writeSplitDelta(out, layout, baseline, baselineBits, base, current, currentBits, cur, b, span, prediction ? prediction->ahead : 0);
}

bool writeFieldDeltaPair(WriteStream& plain, WriteStream& predicted, bool& predictedWritten, const FieldLayout& layout,
                         const uint8_t* baseline, size_t baselineBits, const uint8_t* current, size_t currentBits,
                         const FieldPrediction& prediction) {
  predictedWritten = false;
  if (!fieldLayoutUsable(layout)) return false;
  Split base, cur;
  if (!split(layout, baseline, baselineBits, base) || !split(layout, current, currentBits, cur)) return false;
  uint32_t b1[kMaxLayoutFields], b[kMaxLayoutFields];
  plainBase(layout, base, b1);
  // Each coding stands alone: a plain delta too long for its stream says nothing about
  // the predicted one, which is then the only one the sender can use.
  const bool plainWritten =
      writeSplitDelta(plain, layout, baseline, baselineBits, base, current, currentBits, cur, b1, 0, 0);
  Split older;
  if (!predictionUsable(prediction) || !split(layout, prediction.older, prediction.olderBits, older))
    return plainWritten;
  std::copy(b1, b1 + layout.fields.size(), b);
  predictBase(layout, base, older, prediction, b);
  predictedWritten =
      writeSplitDelta(predicted, layout, baseline, baselineBits, base, current, currentBits, cur, b, prediction.span, prediction.ahead);
  return plainWritten;
}

template bool serializeClass<ReadStream>(ReadStream&, uint32_t&, const FieldLayout::Field*, size_t, uint32_t&);
template bool serializeClass<WriteStream>(WriteStream&, uint32_t&, const FieldLayout::Field*, size_t, uint32_t&);

bool readFieldDelta(ReadStream& in, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                    WriteStream& full, const FieldPrediction* prediction) {
  if (!fieldLayoutUsable(layout)) return false;
  Split base;
  if (!split(layout, baseline, baselineBits, base)) return false;
  const auto& fs = layout.fields;
  const size_t n = fs.size();
  uint32_t b[kMaxLayoutFields], values[kMaxLayoutFields];
  for (size_t i = 0; i < n; ++i) {
    b[i] = base.present[i] ? base.values[i] : 0;
    values[i] = 0;
  }
  uint32_t span = 0;
  if (!serializePredictionSpan(in, span)) return false;
  if (span != 0) {
    // The caller looked up B2 by the span it peeked; anything else is not this delta's base.
    Split older;
    if (!prediction || prediction->span != span || !predictionUsable(*prediction) ||
        !split(layout, prediction->older, prediction->olderBits, older))
      return in.fail();
    predictBase(layout, base, older, *prediction, b);
  }
  uint32_t previousClass = firstClassBefore(span, span ? prediction->ahead : 0);
  bool allChanged = false;
  if (hasGroups(layout) && !in.serializeBool(allChanged)) return false;
  for (size_t i = 0; i < n;) {
    size_t count = 1;
    const Unit unit = unitAt(layout, i, count);
    const size_t at = i;
    i += count;
    if (!gateOpen(layout, at, values)) continue; // the whole unit shares the gate
    const FieldLayout::Field& f = fs[at];
    if (unit == Unit::Single) {
      if (f.bits == 1) {
        if (!in.serializeBits(values[at], 1)) return false;
      } else {
        uint32_t changed = 0;
        if (!in.serializeBits(changed, 1)) return false;
        if (!changed) {
          values[at] = b[at];
        } else {
          uint32_t raw = 0;
          if (!in.serializeBits(raw, 1)) return false;
          if (raw) {
            if (!in.serializeBits(values[at], f.bits)) return false;
          } else {
            uint32_t z = 0;
            if (!serializeExpGolomb(in, z, f.deltaOrder) || z == 0xFFFFFFFFu) return in.fail();
            const int64_t v = int64_t{b[at]} + unzigzag(z + 1);
            if (v < 0 || v > int64_t{mask(f.bits)}) return in.fail(); // leaves the field
            values[at] = static_cast<uint32_t>(v);
          }
        }
      }
      full.serializeBits(values[at], f.bits);
      continue;
    }
    const bool orientation = unit == Unit::Orientation;
    const size_t first = orientation ? at + 1 : at, members = orientation ? 3 : count;
    uint32_t changed = 1, cls = 0;
    if (!allChanged && !in.serializeBits(changed, 1)) return false;
    if (!changed) {
      std::copy(b + at, b + at + count, values + at);
    } else if (orientation) {
      uint32_t newIndex = 0, moved[3];
      const uint32_t* against = b + at + 1;
      if (!in.serializeBits(newIndex, 1)) return false;
      values[at] = b[at];
      if (newIndex) {
        uint32_t step = 0;
        if (!in.serializeBits(step, 2)) return false;
        if (step > 2) return in.fail();
        values[at] = (b[at] + 1 + step) & 3;
        reexpress(b[at] & 3, b + at + 1, fs[at + 1].bits, values[at], moved);
        against = moved;
      }
      if (!serializeClass(in, cls, &fs[first], members, previousClass)) return false;
      if (!readMembers(in, &fs[at + 1], 3, against, values + at + 1, cls)) return false;
    } else {
      if (!serializeClass(in, cls, &fs[first], members, previousClass)) return false;
      if (!readMembers(in, &fs[at], count, b + at, values + at, cls)) return false;
    }
    for (size_t j = at; j < at + count; ++j) full.serializeBits(values[j], fs[j].bits);
  }
  if (!layout.tail) return base.tailStart == baselineBits && in.ok() && full.ok() && in.bitsRemaining() == 0;
  bool same = false;
  if (!in.serializeBool(same)) return false;
  if (same) {
    ReadStream tail(baseline, baselineBits);
    tail.skipBits(base.tailStart);
    copyTail(tail, baselineBits - base.tailStart, full);
  } else {
    uint32_t length = 0;
    if (!serializeExpGolomb(in, length, kTailOrder) || length > in.bitsRemaining()) return in.fail();
    copyTail(in, length, full);
    in.skipBits(length);
  }
  return in.ok() && full.ok() && in.bitsRemaining() == 0;
}

} // namespace ferrum::wire
