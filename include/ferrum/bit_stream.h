#pragma once
/// Bit streams for the wire. One `template <class Stream> bool serialize(Stream&)`
/// per message works over all three streams below: WriteStream packs, ReadStream
/// unpacks, MeasureStream counts bits without writing.
///
/// Errors are sticky: after the first failure (write past capacity, read past the
/// end, a value out of its declared range, a non-finite float) every further call
/// fails and `ok()` stays false. Readers therefore decode into locals, check `ok()`
/// once, and only then apply what they read. Network bytes never assert.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace ferrum {

/// Number of bits needed to hold any value in [0, range].
constexpr int bitsRequired(uint64_t range) { return static_cast<int>(std::bit_width(range)); }

/// Appends bits to a growable buffer bounded by `maxBytes`. Bits are packed least
/// significant first: bit i of the stream is bit (i % 8) of byte i / 8.
class WriteStream {
public:
  static constexpr bool kWriting = true;
  static constexpr bool kReading = false;

  explicit WriteStream(size_t maxBytes = 64 * 1024);
  /// Writes into `storage`'s memory (its bytes dropped), e.g. what an earlier take()
  /// returned: a caller encoding one message after another allocates once.
  WriteStream(size_t maxBytes, std::vector<uint8_t>&& storage);

  /// Writes the low `bits` (0..32) bits of `value`; set bits above them fail.
  bool serializeBits(uint32_t& value, int bits) {
    if (!m_ok || static_cast<unsigned>(bits) > 32 || (bits < 32 && (value >> bits) != 0) || !fits(bits)) {
      m_ok = false;
      return false;
    }
    put(value, bits);
    return true;
  }
  /// Writes `value`, which must lie in [min, max]; out of range is a local bug and fails.
  bool serializeInt(int32_t& value, int32_t min, int32_t max);
  bool serializeUint(uint32_t& value, uint32_t min, uint32_t max);
  bool serializeBool(bool& value) {
    uint32_t bit = value ? 1 : 0;
    return serializeBits(bit, 1);
  }
  /// Writes a raw IEEE float; a non-finite value fails.
  bool serializeFloat(float& value);
  /// Variable length (7 bits per group) unsigned integer, for lengths and counts.
  bool serializeVarUint(uint32_t& value);
  /// Appends `bitCount` bits taken from `data` (as packed by another WriteStream).
  bool serializeRawBits(const uint8_t* data, size_t bitCount);

  bool ok() const { return m_ok; }
  size_t bits() const { return m_bitPos; }
  size_t bytes() const { return (m_bitPos + 7) / 8; }
  /// Whether `bits` more bits fit within `maxBytes` (says nothing about ok()).
  bool fits(size_t bits) const { return (m_bitPos + bits + 7) / 8 <= m_maxBytes; }
  /// The packed bytes as of this call (after more writes, call again): bytes() of them.
  const std::vector<uint8_t>& buffer() const {
    syncTail();
    return m_bytes;
  }
  /// Moves the packed bytes out; the stream is empty afterwards.
  std::vector<uint8_t> take();
  void clear();

private:
  // Writes go into a 64-bit scratch word, least significant bit first; every 32
  // bits it holds are appended to m_bytes as 4 bytes at once. So a write is a shift
  // and an OR, and the vector is touched once per 32 bits instead of once per byte.
  void put(uint32_t value, int bits) {
    m_scratch |= uint64_t{value} << m_scratchBits;
    m_scratchBits += bits;
    m_bitPos += static_cast<size_t>(bits);
    if (m_scratchBits >= 32) flushWord();
  }
  void flushWord();
  void reserveFirst() const;
  /// Makes m_bytes show the scratch's bits too (buffer() and take() promise bytes()
  /// bytes); the next flushWord() drops that tail again before appending.
  void syncTail() const;

  // m_bytes holds m_committed bytes from flushWord(), then possibly a copy of the
  // scratch's bytes made by syncTail(). Mutable for that copy only.
  mutable std::vector<uint8_t> m_bytes;
  size_t m_committed = 0;
  uint64_t m_scratch = 0;
  int m_scratchBits = 0; // < 32 between calls
  size_t m_bitPos = 0;
  size_t m_maxBytes;
  bool m_ok = true;
};

/// Reads bits from a buffer the caller owns; never reads past `bitCount`.
class ReadStream {
public:
  static constexpr bool kWriting = false;
  static constexpr bool kReading = true;

  ReadStream() = default;
  ReadStream(const uint8_t* data, size_t bitCount)
      : m_data(data), m_bitCount(bitCount), m_byteCount((bitCount + 7) / 8) {}
  explicit ReadStream(std::span<const uint8_t> bytes) : ReadStream(bytes.data(), bytes.size() * 8) {}

  bool serializeBits(uint32_t& value, int bits) { return get(value, bits); }
  bool serializeInt(int32_t& value, int32_t min, int32_t max) {
    uint32_t offset = 0;
    value = min;
    if (!get(offset, bitsRequired(static_cast<uint64_t>(int64_t{max} - min)))) return false;
    const int64_t decoded = int64_t{min} + offset;
    if (decoded > max) return fail();
    value = static_cast<int32_t>(decoded);
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
  bool serializeBool(bool& value) {
    uint32_t bit = 0;
    const bool good = get(bit, 1);
    value = bit != 0;
    return good;
  }
  bool serializeFloat(float& value);
  bool serializeVarUint(uint32_t& value);
  /// Skips `bitCount` bits (used to step over a block nobody wants).
  bool skipBits(size_t bitCount) {
    if (!m_ok || bitCount > m_bitCount - m_bitPos) return fail();
    m_bitPos += bitCount;
    return true;
  }
  /// The next min(`bits`, bitsRemaining()) bits (`bits` in 0..32) without consuming
  /// them, in the low bits of the result; the rest of it is zero. Returns how many
  /// bits that is (0 on a failed stream). Lets a decoder look ahead (a code's prefix)
  /// and then consume exactly what it used with skipBits.
  int peekBits(uint32_t& value, int bits) const {
    value = 0;
    if (!m_ok || bits <= 0) return 0;
    const int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(bits > 32 ? 32 : bits), m_bitCount - m_bitPos));
    if (n > 0) value = static_cast<uint32_t>(loadWord() & ((uint64_t{1} << n) - 1));
    return n;
  }

  bool ok() const { return m_ok; }
  /// Marks the stream failed, for semantic checks made by a message's serialize.
  bool fail() {
    m_ok = false;
    return false;
  }
  size_t bitPosition() const { return m_bitPos; }
  size_t bitsRemaining() const { return m_ok ? m_bitCount - m_bitPos : 0; }
  const uint8_t* data() const { return m_data; }

private:
  bool get(uint32_t& value, int bits) {
    value = 0;
    if (!m_ok || static_cast<unsigned>(bits) > 32 || static_cast<size_t>(bits) > m_bitCount - m_bitPos) {
      m_ok = false;
      return false;
    }
    if (bits == 0) return true;
    value = static_cast<uint32_t>(loadWord() & ((uint64_t{1} << bits) - 1));
    m_bitPos += static_cast<size_t>(bits);
    return true;
  }
  /// The stream's bits from m_bitPos on, least significant first: at least 57 of
  /// them, or all up to the buffer's last byte. Callers mask to what they may use (bits
  /// past m_bitCount in the last byte are not the stream's). Only bytes within the
  /// caller's buffer are read: one unaligned 8-byte load where 8 bytes remain, a byte
  /// loop over the last few.
  uint64_t loadWord() const {
    const size_t first = m_bitPos >> 3;
    uint64_t word = 0;
    if (m_byteCount - first >= 8) {
      std::memcpy(&word, m_data + first, 8);
      if constexpr (std::endian::native == std::endian::big) word = byteSwap(word);
    } else {
      for (size_t i = m_byteCount; i-- > first;) word = (word << 8) | m_data[i];
    }
    return word >> (m_bitPos & 7);
  }
  static uint64_t byteSwap(uint64_t w) {
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i, w >>= 8) r = (r << 8) | (w & 0xFF);
    return r;
  }

  const uint8_t* m_data = nullptr;
  size_t m_bitCount = 0;
  size_t m_byteCount = 0; // bytes of m_data the stream may read: ceil(m_bitCount / 8)
  size_t m_bitPos = 0;
  bool m_ok = true;
};

/// Counts the bits a message would take, without writing them.
class MeasureStream {
public:
  static constexpr bool kWriting = true;
  static constexpr bool kReading = false;

  bool serializeBits(uint32_t&, int bits) { return add(static_cast<size_t>(bits)); }
  bool serializeInt(int32_t&, int32_t min, int32_t max) {
    return add(static_cast<size_t>(bitsRequired(static_cast<uint64_t>(int64_t{max} - min))));
  }
  bool serializeUint(uint32_t&, uint32_t min, uint32_t max) { return add(static_cast<size_t>(bitsRequired(max - min))); }
  bool serializeBool(bool&) { return add(1); }
  bool serializeFloat(float&) { return add(32); }
  bool serializeVarUint(uint32_t& value);
  bool serializeRawBits(const uint8_t*, size_t bitCount) { return add(bitCount); }

  bool ok() const { return true; }
  size_t bits() const { return m_bits; }
  size_t bytes() const { return (m_bits + 7) / 8; }

private:
  bool add(size_t bits) {
    m_bits += bits;
    return true;
  }
  size_t m_bits = 0;
};

/// Copies the next `bitCount` bits of `in` into a fresh byte-aligned buffer.
/// Returns false (and leaves `out` empty) if `in` does not hold that many bits.
bool extractBits(ReadStream& in, size_t bitCount, std::vector<uint8_t>& out);

} // namespace ferrum
