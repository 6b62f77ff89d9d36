// The bit streams against a reference kept here: the simplest possible bit-at-a-time
// writer and reader with the documented semantics (least significant bit first,
// sticky failure, a failed call moves nothing, capacity in whole bytes). The real
// streams take word-at-a-time and bulk-copy shortcuts; these tests pin that the
// shortcuts change nothing observable: the bytes, every value read, every return
// value, ok() and the stream position after every call, also on truncated and on
// random (malformed) input, and at the write capacity.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ferrum/bit_stream.h"
#include "wire/exp_golomb.h"

using namespace ferrum;

namespace {

// ------------------------------------------------------------------ reference

class RefWriter {
public:
  explicit RefWriter(size_t maxBytes) : m_maxBytes(maxBytes) {}

  bool serializeBits(uint32_t value, int bits) {
    if (!m_ok || bits < 0 || bits > 32 || (bits < 32 && (value >> bits) != 0) ||
        (m_bits.size() + static_cast<size_t>(bits) + 7) / 8 > m_maxBytes)
      return m_ok = false;
    for (int i = 0; i < bits; ++i) m_bits.push_back((value >> i) & 1);
    return true;
  }
  bool serializeInt(int32_t value, int32_t min, int32_t max) {
    if (value < min || value > max) return m_ok = false;
    return serializeBits(static_cast<uint32_t>(int64_t{value} - min),
                         bitsRequired(static_cast<uint64_t>(int64_t{max} - min)));
  }
  bool serializeUint(uint32_t value, uint32_t min, uint32_t max) {
    if (value < min || value > max) return m_ok = false;
    return serializeBits(value - min, bitsRequired(max - min));
  }
  bool serializeFloat(float value) {
    if (!std::isfinite(value)) return m_ok = false;
    return serializeBits(std::bit_cast<uint32_t>(value), 32);
  }
  bool serializeVarUint(uint32_t value) {
    do {
      const uint32_t group = value & 0x7F;
      value >>= 7;
      if (!serializeBits(group, 7) || !serializeBits(value != 0 ? 1 : 0, 1)) return false;
    } while (value != 0);
    return true;
  }
  bool expGolomb(uint32_t v, uint32_t k) {
    const uint64_t shifted = (uint64_t{v} >> k) + 1;
    const int prefix = bitsRequired(shifted) - 1;
    // The zeros one by one, then the one, the rest and the low bits each as one
    // write: at the capacity, exactly the calls that fit land.
    for (int i = 0; i < prefix; ++i) serializeBits(0, 1);
    serializeBits(1, 1);
    serializeBits(static_cast<uint32_t>(shifted & ((uint64_t{1} << prefix) - 1)), prefix);
    serializeBits(v & ((1u << k) - 1), static_cast<int>(k));
    return m_ok;
  }
  // 32-bit chunks, each checked on its own, as documented for serializeRawBits.
  bool serializeRawBits(const uint8_t* data, size_t bitCount) {
    for (size_t at = 0; m_ok && at < bitCount; at += 32) {
      uint32_t chunk = 0;
      const size_t n = std::min<size_t>(32, bitCount - at);
      for (size_t i = 0; i < n; ++i) chunk |= uint32_t{(data[(at + i) / 8] >> ((at + i) % 8)) & 1u} << i;
      serializeBits(chunk, static_cast<int>(n));
    }
    return m_ok;
  }

  bool ok() const { return m_ok; }
  size_t bits() const { return m_bits.size(); }
  std::vector<uint8_t> bytes() const {
    std::vector<uint8_t> out((m_bits.size() + 7) / 8, 0);
    for (size_t i = 0; i < m_bits.size(); ++i) out[i / 8] = static_cast<uint8_t>(out[i / 8] | (m_bits[i] << (i % 8)));
    return out;
  }

private:
  std::vector<uint8_t> m_bits;
  size_t m_maxBytes;
  bool m_ok = true;
};

class RefReader {
public:
  RefReader(const uint8_t* data, size_t bitCount) : m_data(data), m_bitCount(bitCount) {}

  bool get(uint32_t& value, int bits) {
    value = 0;
    if (!m_ok || bits < 0 || bits > 32 || m_pos + static_cast<size_t>(bits) > m_bitCount) return m_ok = false;
    for (int i = 0; i < bits; ++i, ++m_pos) value |= uint32_t{(m_data[m_pos / 8] >> (m_pos % 8)) & 1u} << i;
    return true;
  }
  bool fail() { return m_ok = false; }
  bool serializeInt(int32_t& value, int32_t min, int32_t max) {
    uint32_t offset = 0;
    value = min;
    if (!get(offset, bitsRequired(static_cast<uint64_t>(int64_t{max} - min)))) return false;
    if (int64_t{min} + offset > max) return fail();
    value = static_cast<int32_t>(int64_t{min} + offset);
    return true;
  }
  bool serializeUint(uint32_t& value, uint32_t min, uint32_t max) {
    uint32_t offset = 0;
    value = min;
    if (!get(offset, bitsRequired(max - min))) return false;
    if (offset > max - min) return fail();
    value = min + offset;
    return true;
  }
  bool serializeFloat(float& value) {
    uint32_t raw = 0;
    value = 0;
    if (!get(raw, 32)) return false;
    if (!std::isfinite(std::bit_cast<float>(raw))) return fail();
    value = std::bit_cast<float>(raw);
    return true;
  }
  bool serializeVarUint(uint32_t& value) {
    value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      uint32_t group = 0, more = 0;
      if (!get(group, 7) || !get(more, 1)) return false;
      if (shift == 28 && (group > 0xF || more)) return fail();
      value |= group << shift;
      if (!more) return true;
    }
    return fail();
  }
  bool expGolomb(uint32_t& v, uint32_t k) {
    int prefix = 0;
    uint32_t bit = 0;
    while (get(bit, 1) && bit == 0)
      if (++prefix > wire::kMaxExpGolombPrefix) return fail();
    uint32_t rest = 0, low = 0;
    get(rest, prefix);
    get(low, static_cast<int>(k));
    if (!m_ok) return false;
    const uint64_t value = ((((uint64_t{1} << prefix) | rest) - 1) << k) | low;
    if (value > 0xFFFFFFFFull) return fail();
    v = static_cast<uint32_t>(value);
    return true;
  }
  bool skipBits(size_t n) {
    if (!m_ok || m_pos + n > m_bitCount) return fail();
    m_pos += n;
    return true;
  }
  bool extract(size_t bitCount, std::vector<uint8_t>& out) {
    out.clear();
    if (bitCount == 0) return true;
    if (!m_ok || m_bitCount - m_pos < bitCount) return fail();
    out.assign((bitCount + 7) / 8, 0);
    for (size_t i = 0; i < bitCount; ++i) {
      uint32_t b = 0;
      get(b, 1);
      out[i / 8] = static_cast<uint8_t>(out[i / 8] | (b << (i % 8)));
    }
    return true;
  }
  int peek(uint32_t& value, int bits) const {
    value = 0;
    if (!m_ok || bits <= 0) return 0;
    const int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::min(bits, 32)), m_bitCount - m_pos));
    for (int i = 0; i < n; ++i)
      value |= uint32_t{(m_data[(m_pos + static_cast<size_t>(i)) / 8] >> ((m_pos + static_cast<size_t>(i)) % 8)) & 1u}
               << i;
    return n;
  }

  bool ok() const { return m_ok; }
  size_t bitPosition() const { return m_pos; }
  size_t bitsRemaining() const { return m_ok ? m_bitCount - m_pos : 0; }

private:
  const uint8_t* m_data;
  size_t m_bitCount;
  size_t m_pos = 0;
  bool m_ok = true;
};

// ---------------------------------------------------------- random operations

enum class Kind { Bits, Bool, Int, Uint, Float, VarUint, ExpGolomb, Raw, Skip, Peek };

struct Op {
  Kind kind = Kind::Bits;
  int bits = 0;      // Bits: width; Peek: how many
  uint32_t value = 0; // Bits, Uint, VarUint, ExpGolomb
  int32_t ivalue = 0;
  int64_t min = 0, max = 0;
  float f = 0;
  uint32_t k = 0; // ExpGolomb order
  std::vector<uint8_t> raw;
  size_t rawBits = 0; // Raw, Skip
};

uint32_t randomValue(std::mt19937& rng, int bits) {
  if (bits == 0) return 0;
  const uint32_t r = static_cast<uint32_t>(rng());
  return bits == 32 ? r : r & ((1u << bits) - 1);
}

/// A mix like the wire's: many short fields, some long, codes of every length,
/// byte-aligned and unaligned payload copies.
Op randomOp(std::mt19937& rng) {
  Op op;
  op.kind = static_cast<Kind>(rng() % 10);
  switch (op.kind) {
  case Kind::Bits:
  case Kind::Peek:
    op.bits = static_cast<int>(rng() % 33);
    op.value = randomValue(rng, op.bits);
    break;
  case Kind::Bool: op.value = rng() & 1; break;
  case Kind::Int: {
    op.min = -static_cast<int64_t>(rng() % 100000);
    op.max = op.min + static_cast<int64_t>(rng() % 200000);
    op.ivalue = static_cast<int32_t>(op.min + static_cast<int64_t>(rng() % static_cast<uint32_t>(op.max - op.min + 1)));
    break;
  }
  case Kind::Uint:
    op.min = rng() % 1000;
    op.max = op.min + rng() % (1u << (rng() % 20));
    op.value = static_cast<uint32_t>(op.min + rng() % static_cast<uint32_t>(op.max - op.min + 1));
    break;
  case Kind::Float: op.f = std::ldexp(static_cast<float>(rng() % 20001) - 10000.0f, static_cast<int>(rng() % 40) - 20); break;
  case Kind::VarUint:
  case Kind::ExpGolomb:
    op.value = randomValue(rng, static_cast<int>(rng() % 33));
    op.k = static_cast<uint32_t>(rng() % 6);
    if (rng() % 8 == 0) op.value = 0xFFFFFFFFu; // the longest code
    break;
  case Kind::Raw:
  case Kind::Skip:
    op.rawBits = rng() % 4 == 0 ? 8 * (rng() % 40) : rng() % 300;
    op.raw.resize((op.rawBits + 7) / 8);
    for (uint8_t& b : op.raw) b = static_cast<uint8_t>(rng());
    if (op.rawBits % 8) op.raw.back() = static_cast<uint8_t>(op.raw.back() & ((1u << (op.rawBits % 8)) - 1));
    break;
  }
  return op;
}

// Writers: the same op on the real stream and on the reference; returns what each returned.
bool write(WriteStream& w, Op op) {
  switch (op.kind) {
  case Kind::Bits:
  case Kind::Peek: return w.serializeBits(op.value, op.bits);
  case Kind::Bool: {
    bool b = op.value != 0;
    return w.serializeBool(b);
  }
  case Kind::Int: return w.serializeInt(op.ivalue, static_cast<int32_t>(op.min), static_cast<int32_t>(op.max));
  case Kind::Uint: return w.serializeUint(op.value, static_cast<uint32_t>(op.min), static_cast<uint32_t>(op.max));
  case Kind::Float: return w.serializeFloat(op.f);
  case Kind::VarUint: return w.serializeVarUint(op.value);
  case Kind::ExpGolomb: return wire::serializeExpGolomb(w, op.value, op.k);
  case Kind::Raw:
  case Kind::Skip: return w.serializeRawBits(op.raw.data(), op.rawBits);
  }
  return false;
}

bool write(RefWriter& w, const Op& op) {
  switch (op.kind) {
  case Kind::Bits:
  case Kind::Peek: return w.serializeBits(op.value, op.bits);
  case Kind::Bool: return w.serializeBits(op.value, 1);
  case Kind::Int: return w.serializeInt(op.ivalue, static_cast<int32_t>(op.min), static_cast<int32_t>(op.max));
  case Kind::Uint: return w.serializeUint(op.value, static_cast<uint32_t>(op.min), static_cast<uint32_t>(op.max));
  case Kind::Float: return w.serializeFloat(op.f);
  case Kind::VarUint: return w.serializeVarUint(op.value);
  case Kind::ExpGolomb: return w.expGolomb(op.value, op.k);
  case Kind::Raw:
  case Kind::Skip: return w.serializeRawBits(op.raw.data(), op.rawBits);
  }
  return false;
}

/// What one read produced, to compare: the return value and every value read.
struct ReadResult {
  bool returned = false;
  uint64_t value = 0;
  std::vector<uint8_t> bytes;
  bool operator==(const ReadResult&) const = default;
};

ReadResult read(ReadStream& r, const Op& op) {
  ReadResult out;
  switch (op.kind) {
  case Kind::Bits: {
    uint32_t v = 7;
    out.returned = r.serializeBits(v, op.bits);
    out.value = v;
    break;
  }
  case Kind::Bool: {
    bool b = true;
    out.returned = r.serializeBool(b);
    out.value = b;
    break;
  }
  case Kind::Int: {
    int32_t v = 7;
    out.returned = r.serializeInt(v, static_cast<int32_t>(op.min), static_cast<int32_t>(op.max));
    out.value = static_cast<uint32_t>(v);
    break;
  }
  case Kind::Uint: {
    uint32_t v = 7;
    out.returned = r.serializeUint(v, static_cast<uint32_t>(op.min), static_cast<uint32_t>(op.max));
    out.value = v;
    break;
  }
  case Kind::Float: {
    float f = 7;
    out.returned = r.serializeFloat(f);
    out.value = std::bit_cast<uint32_t>(f);
    break;
  }
  case Kind::VarUint: {
    uint32_t v = 7;
    out.returned = r.serializeVarUint(v);
    out.value = v;
    break;
  }
  case Kind::ExpGolomb: {
    uint32_t v = 7;
    out.returned = wire::serializeExpGolomb(r, v, op.k);
    out.value = v;
    break;
  }
  case Kind::Raw: out.returned = extractBits(r, op.rawBits, out.bytes); break;
  case Kind::Skip: out.returned = r.skipBits(op.rawBits); break;
  case Kind::Peek: {
    uint32_t v = 7;
    out.returned = r.peekBits(v, op.bits) > 0;
    out.value = (uint64_t{static_cast<uint32_t>(r.peekBits(v, op.bits))} << 32) | v;
    break;
  }
  }
  return out;
}

ReadResult read(RefReader& r, const Op& op) {
  ReadResult out;
  switch (op.kind) {
  case Kind::Bits: {
    uint32_t v = 7;
    out.returned = r.get(v, op.bits);
    out.value = v;
    break;
  }
  case Kind::Bool: {
    uint32_t v = 7;
    out.returned = r.get(v, 1);
    out.value = v != 0;
    break;
  }
  case Kind::Int: {
    int32_t v = 7;
    out.returned = r.serializeInt(v, static_cast<int32_t>(op.min), static_cast<int32_t>(op.max));
    out.value = static_cast<uint32_t>(v);
    break;
  }
  case Kind::Uint: {
    uint32_t v = 7;
    out.returned = r.serializeUint(v, static_cast<uint32_t>(op.min), static_cast<uint32_t>(op.max));
    out.value = v;
    break;
  }
  case Kind::Float: {
    float f = 7;
    out.returned = r.serializeFloat(f);
    out.value = std::bit_cast<uint32_t>(f);
    break;
  }
  case Kind::VarUint: {
    uint32_t v = 7;
    out.returned = r.serializeVarUint(v);
    out.value = v;
    break;
  }
  case Kind::ExpGolomb: {
    uint32_t v = 7;
    out.returned = r.expGolomb(v, op.k);
    out.value = v;
    break;
  }
  case Kind::Raw: out.returned = r.extract(op.rawBits, out.bytes); break;
  case Kind::Skip: out.returned = r.skipBits(op.rawBits); break;
  case Kind::Peek: {
    uint32_t v = 7;
    const int n = r.peek(v, op.bits);
    out.returned = n > 0;
    out.value = (uint64_t{static_cast<uint32_t>(n)} << 32) | v;
    break;
  }
  }
  return out;
}

std::string describe(const Op& op, size_t index) {
  return "op " + std::to_string(index) + " kind " + std::to_string(static_cast<int>(op.kind)) + " bits " +
         std::to_string(op.bits) + " value " + std::to_string(op.value) + " k " + std::to_string(op.k) + " raw " +
         std::to_string(op.rawBits);
}

/// Reads `ops` from the first `bitCount` bits of `bytes` with both readers, which
/// must agree after every call. The bytes are copied into a buffer of exactly the
/// size the stream may read, so a reader that looked past it would be caught by
/// the sanitizers.
void expectSameReads(const std::vector<uint8_t>& bytes, size_t bitCount, const std::vector<Op>& ops,
                     const std::string& where) {
  const std::vector<uint8_t> exact(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>((bitCount + 7) / 8));
  ReadStream real(exact.data(), bitCount);
  RefReader ref(exact.data(), bitCount);
  for (size_t i = 0; i < ops.size(); ++i) {
    const ReadResult a = read(real, ops[i]);
    const ReadResult b = read(ref, ops[i]);
    ASSERT_TRUE(a == b) << where << ", " << describe(ops[i], i) << ": returned " << a.returned << " vs " << b.returned
                        << ", value " << a.value << " vs " << b.value;
    ASSERT_EQ(real.ok(), ref.ok()) << where << ", " << describe(ops[i], i);
    ASSERT_EQ(real.bitPosition(), ref.bitPosition()) << where << ", " << describe(ops[i], i);
    ASSERT_EQ(real.bitsRemaining(), ref.bitsRemaining()) << where << ", " << describe(ops[i], i);
  }
}

/// Writes `ops` with both writers (capacity `maxBytes`), comparing after every call;
/// every few calls the real stream's buffer() is looked at mid-stream, as callers do.
std::vector<uint8_t> expectSameWrites(const std::vector<Op>& ops, size_t maxBytes, std::mt19937& rng) {
  WriteStream real(maxBytes);
  RefWriter ref(maxBytes);
  for (size_t i = 0; i < ops.size(); ++i) {
    const bool a = write(real, ops[i]);
    const bool b = write(ref, ops[i]);
    EXPECT_EQ(a, b) << describe(ops[i], i);
    EXPECT_EQ(real.ok(), ref.ok()) << describe(ops[i], i);
    EXPECT_EQ(real.bits(), ref.bits()) << describe(ops[i], i);
    if (rng() % 8 == 0) {
      EXPECT_EQ(real.buffer(), ref.bytes()) << "mid-stream, after " << describe(ops[i], i);
    }
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_EQ(real.bytes(), ref.bytes().size());
  EXPECT_EQ(real.buffer(), ref.bytes());
  std::vector<uint8_t> taken = real.take();
  EXPECT_EQ(taken, ref.bytes());
  EXPECT_EQ(real.bits(), 0u);
  return taken;
}

} // namespace

TEST(BitStreamReference, RandomMixedWritesAndReadsMatchTheReference) {
  std::mt19937 rng(20261129);
  for (int round = 0; round < 300; ++round) {
    std::vector<Op> ops;
    const size_t count = 1 + rng() % 60;
    for (size_t i = 0; i < count; ++i) ops.push_back(randomOp(rng));
    const std::vector<uint8_t> bytes = expectSameWrites(ops, 64 * 1024, rng);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "round " << round;
    expectSameReads(bytes, bytes.size() * 8, ops, "round " + std::to_string(round));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "round " << round;
  }
}

TEST(BitStreamReference, WritesAtTheCapacityFailAlikeAndLeaveTheSameBytes) {
  std::mt19937 rng(99);
  for (int round = 0; round < 400; ++round) {
    std::vector<Op> ops;
    const size_t count = 1 + rng() % 40;
    for (size_t i = 0; i < count; ++i) ops.push_back(randomOp(rng));
    expectSameWrites(ops, rng() % 48, rng); // small: most rounds hit the capacity somewhere
    ASSERT_FALSE(::testing::Test::HasFailure()) << "round " << round;
  }
}

TEST(BitStreamReference, TruncationAtEveryBitPositionFailsAlike) {
  std::mt19937 rng(4242);
  for (int round = 0; round < 12; ++round) {
    std::vector<Op> ops;
    for (int i = 0; i < 25; ++i) ops.push_back(randomOp(rng));
    const std::vector<uint8_t> bytes = expectSameWrites(ops, 64 * 1024, rng);
    ASSERT_FALSE(::testing::Test::HasFailure());
    for (size_t cut = 0; cut <= bytes.size() * 8; ++cut) {
      expectSameReads(bytes, cut, ops, "round " + std::to_string(round) + " cut at bit " + std::to_string(cut));
      ASSERT_FALSE(::testing::Test::HasFailure());
    }
  }
}

TEST(BitStreamReference, RandomBytesDecodeAlike) {
  // Malformed input: long Exp-Golomb prefixes, overlong var-ints, out-of-range
  // integers and NaN floats, read from noise at every length.
  std::mt19937 rng(5);
  for (int round = 0; round < 400; ++round) {
    std::vector<uint8_t> noise(1 + rng() % 24);
    for (uint8_t& b : noise) b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng()); // zeros make long prefixes
    std::vector<Op> ops;
    for (int i = 0; i < 30; ++i) ops.push_back(randomOp(rng));
    expectSameReads(noise, rng() % (noise.size() * 8 + 1), ops, "noise round " + std::to_string(round));
    ASSERT_FALSE(::testing::Test::HasFailure());
  }
}

TEST(BitStreamReference, ExpGolombPrefixAtAndPastTheLimit) {
  // 24 zeros then a one is the longest prefix a reader accepts; 25 zeros fail, at
  // the same position as the bit-at-a-time reader, also when the stream ends inside.
  for (int zeros = 20; zeros <= 30; ++zeros) {
    for (int tail = 0; tail <= 40; ++tail) {
      RefWriter w(64);
      for (int i = 0; i < zeros; ++i) w.serializeBits(0, 1);
      w.serializeBits(1, 1);
      for (int i = 0; i < tail; ++i) w.serializeBits(static_cast<uint32_t>(i & 1), 1);
      const std::vector<uint8_t> bytes = w.bytes();
      for (uint32_t k : {0u, 2u, 7u}) {
        Op op;
        op.kind = Kind::ExpGolomb;
        op.k = k;
        for (size_t cut = 0; cut <= w.bits(); ++cut) {
          expectSameReads(bytes, cut, {op, op}, "zeros " + std::to_string(zeros) + " tail " + std::to_string(tail));
          ASSERT_FALSE(::testing::Test::HasFailure());
        }
      }
    }
  }
}

TEST(BitStreamReference, ExpGolombOfEveryReadableMagnitudeRoundTrips) {
  for (uint32_t k = 0; k < 8; ++k) {
    WriteStream w(4096);
    std::vector<uint32_t> values;
    for (int bit = 0; bit < 32; ++bit)
      for (uint32_t v : {(1u << bit) - 1, 1u << bit, (1u << bit) + 1})
        if (bitsRequired((uint64_t{v} >> k) + 1) - 1 <= wire::kMaxExpGolombPrefix) values.push_back(v);
    for (uint32_t v : values) {
      uint32_t copy = v;
      ASSERT_TRUE(wire::serializeExpGolomb(w, copy, k));
    }
    MeasureStream m;
    for (uint32_t v : values) wire::serializeExpGolomb(m, v, k);
    EXPECT_EQ(m.bits(), w.bits());
    ReadStream r(w.buffer().data(), w.bits());
    for (uint32_t v : values) {
      uint32_t got = 0;
      ASSERT_TRUE(wire::serializeExpGolomb(r, got, k)) << v;
      EXPECT_EQ(got, v);
    }
    EXPECT_EQ(r.bitsRemaining(), 0u);
  }
}
