#pragma once
/// The shape of a type's state block, field by field, so the live path can code each
/// field against the receiver's acknowledged copy without knowing the type. A block
/// is the listed fields in order (unsigned, `bits` wide each), then a free tail
/// (a game's own fields, compared and resent whole). RigidBodyController derives its
/// layout from its RigidQuantization; a hand-written controller may return none and
/// is then always sent whole.

#include <cstdint>
#include <vector>

namespace ferrum {

struct FieldLayout {
  struct Field {
    uint8_t bits = 0; ///< 1..32
    /// Index of an earlier 1-bit field: this field is on the wire only while that one
    /// is 0 (the velocities after the at-rest flag); -1: always on the wire.
    int16_t presentIfZero = -1;
    /// Exp-Golomb order of this field's deltas (about log2 of a typical change).
    uint8_t deltaOrder = 2;
  };
  std::vector<Field> fields;
  bool empty() const { return fields.empty(); }
};

} // namespace ferrum
