#pragma once
// Exp-Golomb codes over the bit streams: small values (gaps, mostly) cost few bits,
// large ones grow logarithmically. The state packet's id gaps, block lengths and
// baseline ages use it, and so do the field deltas (wire/field_delta.h).

#include <cstddef>
#include <cstdint>

#include "ferrum/bit_stream.h"

namespace ferrum::wire {

/// Signed deltas as unsigned codes: 0, -1, 1, -2, 2... -> 0, 1, 2, 3, 4...
inline uint32_t zigzag(int64_t d) { return static_cast<uint32_t>(d >= 0 ? 2 * d : -2 * d - 1); }
inline int64_t unzigzag(uint32_t z) { return (z & 1) ? -(int64_t{z} + 1) / 2 : int64_t{z} / 2; }

/// Longest prefix a reader accepts: garbage cannot spin it, and no 32-bit value needs more.
constexpr int kMaxExpGolombPrefix = 24;

/// Bits an Exp-Golomb code of order k takes for `v`.
inline size_t expGolombBits(uint32_t v, uint32_t k) {
  const uint64_t shifted = (uint64_t{v} >> k) + 1;
  return 2 * static_cast<size_t>(bitsRequired(shifted) - 1) + 1 + k;
}

/// Exp-Golomb of order k over write, read and measure streams. Reading fails on a
/// prefix longer than kMaxExpGolombPrefix or a value past 32 bits.
template <class S>
bool serializeExpGolomb(S& s, uint32_t& v, uint32_t k) {
  uint64_t shifted = 0;
  int prefix = 0;
  if constexpr (S::kWriting) {
    shifted = (uint64_t{v} >> k) + 1;
    prefix = bitsRequired(shifted) - 1;
    for (int i = 0; i < prefix; ++i) {
      uint32_t zero = 0;
      s.serializeBits(zero, 1);
    }
    uint32_t one = 1;
    s.serializeBits(one, 1);
    uint32_t rest = static_cast<uint32_t>(shifted & ((uint64_t{1} << prefix) - 1));
    s.serializeBits(rest, prefix);
    uint32_t low = v & ((1u << k) - 1);
    s.serializeBits(low, static_cast<int>(k));
  } else {
    uint32_t bit = 0;
    while (s.serializeBits(bit, 1) && bit == 0)
      if (++prefix > kMaxExpGolombPrefix) return s.fail();
    uint32_t rest = 0, low = 0;
    s.serializeBits(rest, prefix);
    s.serializeBits(low, static_cast<int>(k));
    if (!s.ok()) return false;
    shifted = ((uint64_t{1} << prefix) | rest) - 1;
    const uint64_t value = (shifted << k) | low;
    if (value > 0xFFFFFFFFull) return s.fail();
    v = static_cast<uint32_t>(value);
  }
  return s.ok();
}

} // namespace ferrum::wire
