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

WriteStream::WriteStream(size_t maxBytes) : m_maxBytes(maxBytes) {}

void WriteStream::put(uint32_t value, int bits) {
  value &= lowMask(bits);
  while (bits > 0) {
    const size_t byte = m_bitPos >> 3;
    const int offset = static_cast<int>(m_bitPos & 7);
    if (offset == 0) m_bytes.push_back(0);
    const int n = std::min(8 - offset, bits);
    m_bytes[byte] = static_cast<uint8_t>(m_bytes[byte] | ((value & lowMask(n)) << offset));
    value = n >= 32 ? 0 : value >> n;
    bits -= n;
    m_bitPos += static_cast<size_t>(n);
  }
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
  int shift = 0;
  while (bits > 0) {
    const size_t byte = m_bitPos >> 3;
    const int offset = static_cast<int>(m_bitPos & 7);
    const int n = std::min(8 - offset, bits);
    const uint32_t piece = (static_cast<uint32_t>(m_data[byte]) >> offset) & lowMask(n);
    value |= piece << shift;
    shift += n;
    bits -= n;
    m_bitPos += static_cast<size_t>(n);
  }
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
