#pragma once
// Where a self-delimited block's payload ends (docs/protocol.md, "Self-delimited
// blocks"): a field delta, and the whole state of a layout without a tail, can be
// walked by the entity's FieldLayout alone, with no baseline, so such a block needs
// no length on the wire. The walk follows wire/field_delta.h bit for bit (a unit
// test checks it against writeFieldDelta); it reads nothing into any state.

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"

namespace ferrum::wire {

/// True if a field delta of `layout` can be delimited without its baseline: the
/// codec can use it (fieldLayoutUsable) and every gate (presentIfZero) names an
/// earlier 1-bit field, whose value every delta carries.
bool deltaSelfDelimiting(const FieldLayout& layout);
/// True if the whole state of `layout` is self-delimiting too: the above and no tail.
bool wholeSelfDelimiting(const FieldLayout& layout);

/// The payload's length in bits, starting at `in`'s position (a copy: `in` does not
/// move): a field delta of the block's `baselineAge` (which a predicted delta's first
/// magnitude class depends on: wire::firstClassBefore), or with 0 the whole state of
/// `layout`. False when the layout is not self-delimiting for that coding, when the
/// bits run out or break a bound of the codec, or when the payload would pass `maxBits`.
bool payloadExtent(ReadStream in, const FieldLayout& layout, uint16_t baselineAge, size_t maxBits, size_t& bits);
/// Whether a block's payload (`bits` bits at `payload`, coded at `baselineAge`) may go
/// without its length: the receiver's walk by `layout` (payloadExtent, the very code it
/// runs) ends exactly where the payload does. A controller that writes past its
/// layout, or a codec the walk does not follow, keeps its length.
bool walkEndsExactly(const uint8_t* payload, size_t bits, uint16_t baselineAge, const FieldLayout& layout);
/// A flag where the age belongs would walk every delta as if of age 1.
template <class Flag>
  requires std::same_as<Flag, bool>
bool payloadExtent(ReadStream in, const FieldLayout& layout, Flag delta, size_t maxBits, size_t& bits) = delete;

} // namespace ferrum::wire
