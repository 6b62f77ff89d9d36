#pragma once
// Field deltas: one entity's block coded against the receiver's acknowledged copy of
// it, field by field (FieldLayout), so the codec needs no knowledge of the type. Both
// sides rebuild the same full payload; the receiver then reads it as it would a full
// block, so controllers never see a delta.
//
//   per field on the wire in the current state, in layout order:
//     changed:1   0 = the baseline's value
//                 1 = then (fields of 1 bit: nothing, the bit flips)
//                     raw:1  1 = the value in the field's bits
//                            0 = zigzag(value - base) - 1 in Exp-Golomb of the field's order
//   tail: same:1   0 = then tail length (Exp-Golomb order 4) and the tail's bits
// A field absent from the baseline (its gate was 1) has base 0.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"

namespace ferrum::wire {

/// A full payload taken apart by a layout.
struct FieldValues {
  std::vector<uint32_t> values; ///< 0 where absent
  std::vector<uint8_t> present;
  size_t tailStart = 0; ///< bit where the tail begins
};

/// False if the payload is shorter than the layout needs (it is then always sent whole).
bool splitFields(const FieldLayout& layout, const uint8_t* data, size_t bits, FieldValues& out);

/// Appends the delta of `current` against `baseline` (full payloads). False if either
/// does not fit the layout: send full state instead.
bool writeFieldDelta(WriteStream& out, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                     const uint8_t* current, size_t currentBits);

/// Rebuilds the full payload from `baseline` and the delta in `in`, which must be
/// consumed exactly. False (and nothing to trust in `full`) on a malformed delta or a
/// baseline that does not fit the layout.
bool readFieldDelta(ReadStream& in, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                    WriteStream& full);

} // namespace ferrum::wire
