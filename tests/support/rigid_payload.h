#pragma once
// A rigid state packed as its controller packs it: the payload a field delta codes,
// for tests of the field-delta codec and of prediction.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/rigid_state.h"

namespace testing_support {

/// `s` quantized by `q` into a payload of `bits` bits.
inline std::vector<uint8_t> rigidPayload(const ferrum::RigidState& s, const ferrum::RigidQuantization& q, size_t& bits) {
  ferrum::WriteStream out;
  ferrum::RigidState copy = s;
  ferrum::serializeRigidState(out, copy, q);
  bits = out.bits();
  return out.take();
}

} // namespace testing_support
