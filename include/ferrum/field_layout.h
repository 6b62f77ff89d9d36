#pragma once
/// The shape of a type's state block, field by field, so the live path can code each
/// field against the receiver's acknowledged copy without knowing the type. A block
/// is the listed fields in order (unsigned, `bits` wide each), then a free tail
/// (a game's own fields, compared and resent whole). RigidBodyController derives its
/// layout from its RigidQuantization; a hand-written controller may return none and
/// is then always sent whole.
///
/// Fields that move together (a position's three axes, a velocity) are declared as a
/// group: they are coded as one unit with one "changed" bit and one shared magnitude,
/// which is cheaper than three separate deltas. A "smallest three" orientation is its
/// 2-bit largest-component index followed by a group of its three components; the
/// index field says so (`largestIndex`), and the codec then re-expresses the baseline
/// in the new index when it changes instead of sending the components whole.

#include <cstdint>
#include <vector>

namespace ferrum {

struct FieldLayout {
  struct Field {
    uint8_t bits = 0; ///< 1..32
    /// Index of an earlier 1-bit field: this field is on the wire only while that one
    /// is 0 (the velocities after the at-rest flag); -1: always on the wire.
    int16_t presentIfZero = -1;
    /// Exp-Golomb order of this field's deltas (about log2 of a typical change) when
    /// it is coded alone.
    uint8_t deltaOrder = 2;
    /// On a group's first field: this field and the next groupSize - 1 are coded
    /// together (same presentIfZero, 2..31 bits each). 0 or 1: alone, or a later member.
    uint8_t groupSize = 1;
    /// A 2-bit field holding the largest-component index of the smallest-three
    /// orientation whose three components are the group of 3 right after it (same
    /// presentIfZero); the components are `bits` wide at the group's first field.
    bool largestIndex = false;
  };
  std::vector<Field> fields;
  /// False: the block is exactly the fields (no tail), and deltas carry no tail bit.
  bool tail = true;
  bool empty() const { return fields.empty(); }
};

} // namespace ferrum
