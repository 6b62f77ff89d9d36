#pragma once
// Exp-Golomb codes over the bit streams: small values (gaps, mostly) cost few bits,
// large ones grow logarithmically. The state packet's id gaps, block lengths and
// baseline ages use it, and so do the field deltas (wire/field_delta.h).

#include <bit>
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
///
/// The code is `prefix` zeros, a one, the `prefix` bits of (v >> k) + 1 below its top
/// bit, then the k low bits of v. WriteStream and ReadStream take fast paths (the
/// zeros, the one and the rest as one write; the prefix found by counting trailing
/// zeros of a peeked word) only where the result is the same to the bit, stream
/// position and failure included; anything else (a code that does not fit, a prefix
/// that runs off the end or past the limit) goes the bit-by-bit way below.
template <class S>
bool serializeExpGolomb(S& s, uint32_t& v, uint32_t k) {
  uint64_t shifted = 0;
  int prefix = 0;
  if constexpr (S::kWriting) {
    shifted = (uint64_t{v} >> k) + 1;
    prefix = bitsRequired(shifted) - 1;
    uint32_t rest = static_cast<uint32_t>(shifted & ((uint64_t{1} << prefix) - 1));
    if constexpr (requires { s.fits(size_t{}); }) {
      if (k < 32 && s.ok() && s.fits(static_cast<size_t>(2 * prefix + 1) + k)) {
        if (2 * prefix + 1 <= 32) {
          uint32_t code = static_cast<uint32_t>((uint64_t{rest} << (prefix + 1)) | (uint64_t{1} << prefix));
          s.serializeBits(code, 2 * prefix + 1);
        } else {
          uint32_t zeros = 0, one = 1;
          s.serializeBits(zeros, prefix);
          s.serializeBits(one, 1);
          s.serializeBits(rest, prefix);
        }
        uint32_t low = v & ((1u << k) - 1);
        s.serializeBits(low, static_cast<int>(k));
        return s.ok();
      }
    }
    for (int i = 0; i < prefix; ++i) {
      uint32_t zero = 0;
      s.serializeBits(zero, 1);
    }
    uint32_t one = 1;
    s.serializeBits(one, 1);
    s.serializeBits(rest, prefix);
    uint32_t low = v & ((1u << k) - 1);
    s.serializeBits(low, static_cast<int>(k));
  } else {
    bool found = false;
    if constexpr (requires(uint32_t w) { s.peekBits(w, 0); }) {
      uint32_t window = 0;
      s.peekBits(window, kMaxExpGolombPrefix + 1);
      if (window != 0) { // a one within the limit and within the stream
        prefix = std::countr_zero(window);
        s.skipBits(static_cast<size_t>(prefix) + 1);
        found = true;
      }
    }
    if (!found) {
      uint32_t bit = 0;
      while (s.serializeBits(bit, 1) && bit == 0)
        if (++prefix > kMaxExpGolombPrefix) return s.fail();
    }
    uint32_t rest = 0, low = 0;
    if (found && k <= static_cast<uint32_t>(32 - prefix) && s.bitsRemaining() >= static_cast<size_t>(prefix) + k) {
      uint32_t both = 0; // rest, then low above it: one read where both are there
      s.serializeBits(both, prefix + static_cast<int>(k));
      rest = static_cast<uint32_t>(both & ((uint64_t{1} << prefix) - 1));
      low = static_cast<uint32_t>(uint64_t{both} >> prefix);
    } else {
      s.serializeBits(rest, prefix);
      s.serializeBits(low, static_cast<int>(k));
    }
    if (!s.ok()) return false;
    shifted = ((uint64_t{1} << prefix) | rest) - 1;
    const uint64_t value = (shifted << k) | low;
    if (value > 0xFFFFFFFFull) return s.fail();
    v = static_cast<uint32_t>(value);
  }
  return s.ok();
}

} // namespace ferrum::wire
