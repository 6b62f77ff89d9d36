#include "ferrum/bit_stream.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace ferrum {

// ---------------------------------------------------------------- WriteStream

WriteStream::WriteStream(size_t maxBytes) : m_maxBytes(maxBytes) {}

WriteStream::WriteStream(size_t maxBytes, std::vector<uint8_t>&& storage)
    : m_bytes(std::move(storage)), m_maxBytes(maxBytes) {
  m_bytes.clear();
}

// One allocation for the common small stream (a block, a message) instead of a
// series of doublings; large ones still grow as they fill. Made by the first bytes
// written, not by the constructor: many streams are scratch kept for a send that
// may never come (a peer's sender has two), or end up empty.
void WriteStream::reserveFirst() const { m_bytes.reserve(std::min<size_t>(m_maxBytes, 256)); }

void WriteStream::flushWord() {
  if (m_bytes.capacity() == 0) reserveFirst();
  if (m_bytes.size() != m_committed) m_bytes.resize(m_committed); // drop syncTail()'s copy
  const auto low = static_cast<uint32_t>(m_scratch);
  // push_back, not resize: its in-capacity path is inline, resize's growth path is not.
  for (int i = 0; i < 4; ++i) m_bytes.push_back(static_cast<uint8_t>(low >> (8 * i)));
  m_committed += 4;
  m_scratch >>= 32;
  m_scratchBits -= 32;
}

void WriteStream::syncTail() const {
  const size_t tail = static_cast<size_t>(m_scratchBits + 7) / 8;
  if (tail > 0 && m_bytes.capacity() == 0) reserveFirst();
  m_bytes.resize(m_committed + tail);
  for (size_t i = 0; i < tail; ++i) m_bytes[m_committed + i] = static_cast<uint8_t>(m_scratch >> (8 * i));
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
  if (m_ok && fits(bitCount)) {
    // Fits whole: no capacity check per chunk. At a byte boundary (a block's payload
    // after byte-aligned framing) the whole bytes are one copy; elsewhere 32 bits a step.
    if (m_scratchBits % 8 == 0 && bitCount >= 64) {
      syncTail();
      m_committed = m_bytes.size();
      m_scratch = 0;
      m_scratchBits = 0;
      const size_t whole = bitCount / 8;
      m_bytes.insert(m_bytes.end(), data, data + whole);
      m_committed += whole;
      m_bitPos += whole * 8;
      in.skipBits(whole * 8);
      bitCount -= whole * 8;
    }
    while (bitCount > 0) {
      const int n = static_cast<int>(std::min<size_t>(32, bitCount));
      uint32_t chunk = 0;
      in.serializeBits(chunk, n);
      put(chunk, n);
      bitCount -= static_cast<size_t>(n);
    }
    return true;
  }
  // Does not fit (or the stream has failed): as many whole chunks as fit are written
  // before the stream fails, as always.
  while (m_ok && bitCount > 0) {
    const int n = static_cast<int>(std::min<size_t>(32, bitCount));
    uint32_t chunk = 0;
    in.serializeBits(chunk, n);
    serializeBits(chunk, n);
    bitCount -= static_cast<size_t>(n);
  }
  return m_ok;
}

std::vector<uint8_t> WriteStream::take() {
  syncTail();
  std::vector<uint8_t> out;
  out.swap(m_bytes);
  m_committed = 0;
  m_scratch = 0;
  m_scratchBits = 0;
  m_bitPos = 0;
  return out;
}

void WriteStream::clear() {
  m_bytes.clear();
  m_committed = 0;
  m_scratch = 0;
  m_scratchBits = 0;
  m_bitPos = 0;
  m_ok = true;
}

// ----------------------------------------------------------------- ReadStream

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
  if (bitCount == 0) return true;
  if (in.bitsRemaining() < bitCount) {
    in.fail();
    return false;
  }
  // Written straight into `out` (its capacity is reused when the caller reuses it);
  // a byte-aligned range is one copy with the bits past its end cleared.
  out.resize((bitCount + 7) / 8);
  if (in.bitPosition() % 8 == 0) {
    std::memcpy(out.data(), in.data() + in.bitPosition() / 8, out.size());
    if (bitCount % 8 != 0) out.back() = static_cast<uint8_t>(out.back() & ((1u << (bitCount % 8)) - 1));
    in.skipBits(bitCount);
    return true;
  }
  for (size_t at = 0; bitCount > 0; at += 4) {
    const int n = static_cast<int>(std::min<size_t>(32, bitCount));
    uint32_t chunk = 0;
    in.serializeBits(chunk, n);
    for (size_t i = 0; i < static_cast<size_t>(n + 7) / 8; ++i) out[at + i] = static_cast<uint8_t>(chunk >> (8 * i));
    bitCount -= static_cast<size_t>(n);
  }
  return true;
}

} // namespace ferrum
