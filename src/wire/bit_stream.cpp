#include "ferrum/bit_stream.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace ferrum {

namespace {
uint32_t lowMask(int bits) { return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u); }
} // namespace

// ---------------------------------------------------------------- WriteStream

// One allocation up front for the common small stream (a block, a message) instead
// of a series of doublings; large ones still grow as they fill.
WriteStream::WriteStream(size_t maxBytes) : m_maxBytes(maxBytes) { m_bytes.reserve(std::min<size_t>(maxBytes, 256)); }

// The value lands in at most 5 bytes: shifted into a 64-bit word once and OR-ed in
// byte by byte (bytes past the write position are always zero), instead of a loop
// over the bits of each byte.
void WriteStream::put(uint32_t value, int bits) {
  if (bits <= 0) return;
  const size_t end = (m_bitPos + static_cast<size_t>(bits) + 7) >> 3;
  while (m_bytes.size() < end) m_bytes.push_back(0); // at most 5; cheaper than resize
  uint64_t word = uint64_t{value & lowMask(bits)} << (m_bitPos & 7);
  for (size_t i = m_bitPos >> 3; i < end; ++i, word >>= 8) m_bytes[i] = static_cast<uint8_t>(m_bytes[i] | word);
  m_bitPos += static_cast<size_t>(bits);
}

bool WriteStream::serializeBits(uint32_t& value, int bits) {
  if (!m_ok || bits < 0 || bits > 32 || (bits < 32 && (value >> bits) != 0) ||
      (m_bitPos + static_cast<size_t>(bits) + 7) / 8 > m_maxBytes) {
    m_ok = false;
    return false;
  }
  put(value, bits);
  return true;
}

bool WriteStream::serializeInt(int32_t& value, int32_t min, int32_t max) {
  if (value < min || value > max) {
    m_ok = false;
    return false;
  }
  uint32_t offset = static_cast<uint32_t>(int64_t{value} - min);
  return serializeBits(offset, bitsRequired(static_cast<uint64_t>(int64_t{max} - min)));
}

bool WriteStream::serializeUint(uint32_t& value, uint32_t min, uint32_t max) {
  if (value < min || value > max) {
    m_ok = false;
    return false;
  }
  uint32_t offset = value - min;
  return serializeBits(offset, bitsRequired(max - min));
}

bool WriteStream::serializeBool(bool& value) {
  uint32_t bit = value ? 1 : 0;
  return serializeBits(bit, 1);
}

bool WriteStream::serializeFloat(float& value) {
  if (!std::isfinite(value)) {
    m_ok = false;
    return false;
  }
  uint32_t raw = std::bit_cast<uint32_t>(value);
  return serializeBits(raw, 32);
}

bool WriteStream::serializeVarUint(uint32_t& value) {
  uint32_t rest = value;
  do {
    uint32_t group = rest & 0x7F;
    rest >>= 7;
    bool more = rest != 0;
    if (!serializeBits(group, 7) || !serializeBool(more)) return false;
  } while (rest != 0);
  return true;
}

bool WriteStream::serializeRawBits(const uint8_t* data, size_t bitCount) {
  ReadStream in(data, bitCount);
  while (m_ok && bitCount > 0) {
    const int n = static_cast<int>(std::min<size_t>(32, bitCount));
    uint32_t chunk = 0;
    if (!in.serializeBits(chunk, n)) {
      m_ok = false;
      break;
    }
    serializeBits(chunk, n);
    bitCount -= static_cast<size_t>(n);
  }
  return m_ok;
}

std::vector<uint8_t> WriteStream::take() {
  std::vector<uint8_t> out;
  out.swap(m_bytes);
  m_bitPos = 0;
  return out;
}

void WriteStream::clear() {
  m_bytes.clear();
  m_bitPos = 0;
  m_ok = true;
}

// ----------------------------------------------------------------- ReadStream

bool ReadStream::get(uint32_t& value, int bits) {
  value = 0;
  if (!m_ok || bits < 0 || bits > 32 || m_bitPos + static_cast<size_t>(bits) > m_bitCount) {
    m_ok = false;
    return false;
  }
  if (bits == 0) return true;
  // The bytes the field touches (at most 5, all within m_bitCount) into one word.
  const size_t first = m_bitPos >> 3, last = (m_bitPos + static_cast<size_t>(bits) - 1) >> 3;
  uint64_t word = 0;
  for (size_t i = last + 1; i-- > first;) word = (word << 8) | m_data[i];
  value = static_cast<uint32_t>(word >> (m_bitPos & 7)) & lowMask(bits);
  m_bitPos += static_cast<size_t>(bits);
  return true;
}

bool ReadStream::serializeBits(uint32_t& value, int bits) { return get(value, bits); }

bool ReadStream::serializeInt(int32_t& value, int32_t min, int32_t max) {
  uint32_t offset = 0;
  value = min;
  if (!get(offset, bitsRequired(static_cast<uint64_t>(int64_t{max} - min)))) return false;
  const int64_t decoded = int64_t{min} + offset;
  if (decoded > max) return fail();
  value = static_cast<int32_t>(decoded);
  return true;
}

bool ReadStream::serializeUint(uint32_t& value, uint32_t min, uint32_t max) {
  uint32_t offset = 0;
  value = min;
  if (!get(offset, bitsRequired(max - min))) return false;
  if (offset > max - min) return fail();
  value = min + offset;
  return true;
}

bool ReadStream::serializeBool(bool& value) {
  uint32_t bit = 0;
  const bool good = get(bit, 1);
  value = bit != 0;
  return good;
}

bool ReadStream::serializeFloat(float& value) {
  uint32_t raw = 0;
  value = 0.0f;
  if (!get(raw, 32)) return false;
  const float decoded = std::bit_cast<float>(raw);
  if (!std::isfinite(decoded)) return fail();
  value = decoded;
  return true;
}

bool ReadStream::serializeVarUint(uint32_t& value) {
  value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    uint32_t group = 0;
    bool more = false;
    if (!get(group, 7) || !serializeBool(more)) return false;
    if (shift == 28 && (group > 0xF || more)) return fail(); // would overflow 32 bits
    value |= group << shift;
    if (!more) return true;
  }
  return fail();
}

bool ReadStream::skipBits(size_t bitCount) {
  if (!m_ok || m_bitPos + bitCount > m_bitCount) return fail();
  m_bitPos += bitCount;
  return true;
}

// -------------------------------------------------------------- MeasureStream

bool MeasureStream::serializeVarUint(uint32_t& value) {
  uint32_t rest = value;
  do {
    m_bits += 8;
    rest >>= 7;
  } while (rest != 0);
  return true;
}

bool extractBits(ReadStream& in, size_t bitCount, std::vector<uint8_t>& out) {
  out.clear();
  if (in.bitsRemaining() < bitCount) {
    in.fail();
    return false;
  }
  WriteStream copy(bitCount / 8 + 8);
  while (bitCount > 0) {
    const int n = static_cast<int>(std::min<size_t>(32, bitCount));
    uint32_t chunk = 0;
    if (!in.serializeBits(chunk, n)) return false;
    copy.serializeBits(chunk, n);
    bitCount -= static_cast<size_t>(n);
  }
  out = copy.take();
  return true;
}

} // namespace ferrum
