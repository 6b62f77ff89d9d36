#pragma once
/// Bit streams for the wire. One `template <class Stream> bool serialize(Stream&)`
/// per message works over all three streams below: WriteStream packs, ReadStream
/// unpacks, MeasureStream counts bits without writing.
///
/// Errors are sticky: after the first failure (write past capacity, read past the
/// end, a value out of its declared range, a non-finite float) every further call
/// fails and `ok()` stays false. Readers therefore decode into locals, check `ok()`
/// once, and only then apply what they read. Network bytes never assert.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ferrum {

/// Number of bits needed to hold any value in [0, range].
constexpr int bitsRequired(uint64_t range) {
  int bits = 0;
  while (range > 0) {
    ++bits;
    range >>= 1;
  }
  return bits;
}

/// Appends bits to a growable buffer bounded by `maxBytes`.
class WriteStream {
public:
  static constexpr bool kWriting = true;
  static constexpr bool kReading = false;

  explicit WriteStream(size_t maxBytes = 64 * 1024);

  /// Writes the low `bits` (0..32) bits of `value`.
  bool serializeBits(uint32_t& value, int bits);
  /// Writes `value`, which must lie in [min, max]; out of range is a local bug and fails.
  bool serializeInt(int32_t& value, int32_t min, int32_t max);
  bool serializeUint(uint32_t& value, uint32_t min, uint32_t max);
  bool serializeBool(bool& value);
  /// Writes a raw IEEE float; a non-finite value fails.
  bool serializeFloat(float& value);
  /// Variable length (7 bits per group) unsigned integer, for lengths and counts.
  bool serializeVarUint(uint32_t& value);
  /// Appends `bitCount` bits taken from `data` (as packed by another WriteStream).
  bool serializeRawBits(const uint8_t* data, size_t bitCount);

  bool ok() const { return m_ok; }
  size_t bits() const { return m_bitPos; }
  size_t bytes() const { return (m_bitPos + 7) / 8; }
  const std::vector<uint8_t>& buffer() const { return m_bytes; }
  /// Moves the packed bytes out; the stream is empty afterwards.
  std::vector<uint8_t> take();
  void clear();

private:
  void put(uint32_t value, int bits);

  std::vector<uint8_t> m_bytes;
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
  ReadStream(const uint8_t* data, size_t bitCount) : m_data(data), m_bitCount(bitCount) {}
  explicit ReadStream(std::span<const uint8_t> bytes) : ReadStream(bytes.data(), bytes.size() * 8) {}

  bool serializeBits(uint32_t& value, int bits);
  bool serializeInt(int32_t& value, int32_t min, int32_t max);
  bool serializeUint(uint32_t& value, uint32_t min, uint32_t max);
  bool serializeBool(bool& value);
  bool serializeFloat(float& value);
  bool serializeVarUint(uint32_t& value);
  /// Skips `bitCount` bits (used to step over a block nobody wants).
  bool skipBits(size_t bitCount);

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
  bool get(uint32_t& value, int bits);

  const uint8_t* m_data = nullptr;
  size_t m_bitCount = 0;
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
