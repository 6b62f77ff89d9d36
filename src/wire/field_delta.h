#pragma once
// Field deltas: one entity's block coded against the receiver's acknowledged copy of
// it, field by field (FieldLayout), so the codec needs no knowledge of the type. Both
// sides rebuild the same full payload; the receiver then reads it as it would a full
// block, so controllers never see a delta.
//
// Every delta starts with how its base is made (the base code):
//   1                 predicted, span 1
//   01 [span - 2: Exp-Golomb order 0]   predicted, span 2..kMaxPredictionSpan
//   00                not predicted: the base is the baseline B1 itself
// A predicted base comes from B1 and the same entity's older block B2, span packets
// before B1 (predictField in field_delta.cpp for groups; an orientation as a turn,
// B1 turned on as it turned from B2); the tail still compares to B1.
// Then, in a layout with a group or an orientation, [every group changed:1]: 1 = every
// group and orientation the current state has changed, and none has its changed bit.
// The layout is walked in order as units; a field absent from the current state (its
// gate is 1) is skipped; one absent from the baseline has base 0.
//   1-bit field:  its value (1 bit: no cheaper "changed" flag exists, and the value
//                 lets a reader know which gated fields follow without the baseline)
//   other single field:
//     changed:1   0 = the baseline's value
//                 1 = raw:1  1 = the value in the field's bits
//                            0 = zigzag(value - base) - 1, Exp-Golomb of the field's order
//   group of g fields (FieldLayout::Field::groupSize):
//     changed:1   (not when every group changed) 0 = every member is the base's
//                 1 = members (below)
//   smallest-three orientation (a largestIndex field, then its group of 3 components):
//     changed:1   (not when every group changed) 0 = index and components are the base's
//                 1 = newIndex:1  1 = step:2 (0..2), index = (base index + 1 + step) mod 4,
//                                     and the base's components are re-expressed in the
//                                     new index (packSmallestThree of the base's
//                                     quaternion) before the members are coded against them
//                     members (below)
//   members:  class     a plain delta's first: C bits, C = bitsRequired(widest member bits - 1);
//                       every later one, and a predicted delta's first: zigzag(class -
//                       previous class) Exp-Golomb order 0, where raw counts as the
//                       widest member's width (the classes of one block's units move
//                       together) and a predicted delta starts from firstClassBefore
//                0 = raw: each member's value in its own bits
//                k = each member as zigzag(value - base) in k bits (k < widest member)
//   tail (unless the layout has none): same:1   0 = then tail length (Exp-Golomb order 4)
//                                      and the tail's bits

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"

namespace ferrum::wire {

/// Layouts with more fields are never delta coded (always sent whole).
constexpr size_t kMaxLayoutFields = 64;

/// The older of the two blocks a predicted delta extrapolates from, at most this many
/// packets before the newer one.
constexpr uint32_t kMaxPredictionSpan = 64;

/// What a predicted delta extrapolates: B1 (the baseline), `older` (B2, `span` packets
/// before B1) and `ahead`, the packets from B1 to the packet carrying the delta.
struct FieldPrediction {
  const uint8_t* older = nullptr;
  size_t olderBits = 0;
  uint32_t span = 1;  ///< 1..kMaxPredictionSpan
  uint32_t ahead = 1; ///< 1..kMaxBaselineAge
};

/// The linear extrapolation of one field, in integers so both sides agree bit for bit:
/// b1 + (b1 - b2) * ahead / span, rounded to nearest (halves away from zero), clamped
/// into 0..max.
uint32_t predictField(uint32_t b1, uint32_t b2, uint32_t span, uint32_t ahead, uint32_t max);

/// A full payload taken apart by a layout (for tools that look at the fields).
struct FieldValues {
  std::vector<uint32_t> values; ///< 0 where absent
  std::vector<uint8_t> present;
  size_t tailStart = 0; ///< bit where the tail begins
};

/// False if the payload is shorter than the layout needs.
bool splitFields(const FieldLayout& layout, const uint8_t* data, size_t bits, FieldValues& out);

/// True if the codec can use `layout`: at most kMaxLayoutFields fields of 1..32 bits,
/// groups and smallest-three orientations well formed (FieldLayout says how).
bool fieldLayoutUsable(const FieldLayout& layout);

/// Appends the delta of `current` against `baseline` (full payloads), predicted from
/// `baseline` and `prediction->older` when `prediction` is given. False if a block does
/// not fit the layout: send full state instead.
bool writeFieldDelta(WriteStream& out, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                     const uint8_t* current, size_t currentBits, const FieldPrediction* prediction = nullptr);

/// Both codings of `current` at once, each payload split only once: the plain delta
/// against `baseline` into `plain` (the result: false if it cannot be written, as
/// writeFieldDelta, e.g. `plain` is too small for it), and the delta predicted by
/// `prediction` into `predicted` (`predictedWritten` says whether it was, whatever
/// became of the plain one). The bits are exactly writeFieldDelta's without and with
/// prediction.
bool writeFieldDeltaPair(WriteStream& plain, WriteStream& predicted, bool& predictedWritten, const FieldLayout& layout,
                         const uint8_t* baseline, size_t baselineBits, const uint8_t* current, size_t currentBits,
                         const FieldPrediction& prediction);

/// A changed unit's magnitude class (0: raw, else the bits of each member's zigzag
/// difference, below the widest member's bits). `previous` carries the delta's earlier
/// classes: 0 before its first unit, which is written in classBits bits; every later
/// one is coded against the one before it (see "Field deltas" in docs/protocol.md).
/// Shared by the codec and the baseline-free walk (wire/payload_extent.h).
template <class S>
bool serializeClass(S& s, uint32_t& cls, const FieldLayout::Field* members, size_t count, uint32_t& previous);

/// True if `layout` has a group or an orientation: its deltas carry the "every group
/// changed" bit after the base code.
bool hasGroups(const FieldLayout& layout);

/// What a delta's first magnitude class is coded against (serializeClass's `previous`
/// before its first unit): 0 (the class in its own fixed width) for a plain delta; for
/// a predicted one, a class expected from `ahead`, the packets from B1 to the packet
/// carrying the delta (its baseline age): the further ahead, the larger the misses.
uint32_t firstClassBefore(uint32_t span, uint32_t ahead);

/// The span a delta's payload names for its older block (0: not predicted). False on a
/// malformed start.
bool peekPredictionSpan(const uint8_t* payload, size_t bits, uint32_t& span);
/// The same, read from `in` (which moves past the base code): for a reader that walks a
/// delta without its baseline (wire/payload_extent.h).
bool readPredictionSpan(ReadStream& in, uint32_t& span);

/// Rebuilds the full payload from `baseline` and the delta in `in`, which must be
/// consumed exactly. A predicted delta needs `prediction` naming the same span. False
/// (and nothing to trust in `full`) on a malformed delta or a block that does not fit
/// the layout.
bool readFieldDelta(ReadStream& in, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                    WriteStream& full, const FieldPrediction* prediction = nullptr);

} // namespace ferrum::wire
