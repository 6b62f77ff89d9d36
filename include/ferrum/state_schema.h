#pragma once
/// StateSchema: what an entity type sends, declared once: its pose at a
/// RigidQuantization, then its own gameplay fields (ranged integers, quantized
/// floats, flags). RigidBodyController built with a schema writes and reads every
/// declared field itself; each is one FieldLayout field, so the live path sends it
/// as a small delta against what the receiver acknowledged (bits from the range, a
/// delta order from the typical change). Values are checked when set (out of range:
/// refused and logged) and when read (a code past the range fails the block), so a
/// decoded value is always inside its declared range.
///
/// Declare a type's schema once, with its handles, in a function-local static:
///
///     struct TankSchema {
///       ferrum::StateSchema schema{tankQuantization()};
///       ferrum::IntField health = schema.addInt("health", 0, 100);
///       ferrum::FloatField heat = schema.addFloat("heat", 0, 1, 1.0f / 64);
///     };
///     const TankSchema& tankSchema() { static const TankSchema s; return s; }
///
/// then name it in the EntityType (stateSchema) and build the controllers with it.
/// Every peer must declare the same fields: the type table's fingerprint covers them.

#include <cstdint>
#include <string>
#include <vector>

#include "ferrum/bit_stream.h"
#include "ferrum/field_layout.h"
#include "ferrum/rigid_quantization.h"

namespace ferrum {

/// Handles to a schema's fields, returned by its add* calls. Typed, so an integer
/// field cannot be read as a float; a default one (a failed declaration) is invalid.
struct IntField {
  uint16_t index = 0xFFFF;
  bool valid() const { return index != 0xFFFF; }
};
struct FloatField {
  uint16_t index = 0xFFFF;
  bool valid() const { return index != 0xFFFF; }
};
struct BoolField {
  uint16_t index = 0xFFFF;
  bool valid() const { return index != 0xFFFF; }
};

/// One declared gameplay field. On the wire: `code` in `bits` bits, where an integer's
/// code is value - intMin and a float's is (value - min) / step, rounded.
struct SchemaField {
  enum class Kind : uint8_t { Int, Float, Bool };
  std::string name;
  Kind kind = Kind::Int;
  int32_t intMin = 0, intMax = 0;   ///< Int
  float min = 0, max = 0, step = 1; ///< Float (Int and Bool: the same numbers as floats)
  uint32_t maxCode = 0;             ///< codes 0..maxCode are valid; a larger one fails the block
  uint32_t initialCode = 0;         ///< the value nearest zero (false for a flag)
  uint8_t bits = 0;                 ///< bitsRequired(maxCode), 1..32
  uint8_t deltaOrder = 0;           ///< Exp-Golomb order of its deltas (FieldLayout::Field)
};

class StateSchema {
public:
  /// The pose part: how the body's RigidState travels (copied).
  explicit StateSchema(const RigidQuantization& pose);
  StateSchema(StateSchema&&) = default;
  StateSchema(const StateSchema&) = delete; // types point at their schema: no silent copies
  StateSchema& operator=(const StateSchema&) = delete;

  /// An integer in [min, max]. `typicalChange`: about how much it moves between two
  /// states a receiver acknowledges (sets its delta coding; 1 for a counter).
  IntField addInt(std::string name, int32_t min, int32_t max, uint32_t typicalChange = 1);
  /// A float in [min, max], sent in steps of `step`; the range must be a whole number
  /// of steps. `typicalChange` in the field's units (0: one step).
  FloatField addFloat(std::string name, float min, float max, float step, float typicalChange = 0);
  /// A flag (1 bit; a change costs 2).
  BoolField addBool(std::string name);

  const RigidQuantization& pose() const { return m_pose; }
  const std::vector<SchemaField>& fields() const { return m_fields; }
  /// Empty while every declaration was sound; else the first mistake, e.g. "field
  /// 'health': min 5 is above max 3". A mistaken declaration returns an invalid handle
  /// and adds nothing; ControllerRegistry::add refuses a type whose schema has an error.
  const std::string& error() const { return m_error; }

  /// The pose's fields (rigidStateLayout), then one field per gameplay field.
  const FieldLayout& layout() const { return m_layout; }
  /// 32-bit digest of the wire format: the pose's precision digest, extended (when
  /// there are gameplay fields) over each field's kind, bits, range, step and name.
  /// Carried in the type table and its fingerprint (docs/protocol.md, "Handshake").
  uint32_t digest() const { return m_digest; }

private:
  /// Checks the name (and takes `rangeMistake` from the caller's range check), then adds.
  bool declare(SchemaField field, double typicalCodes, const std::string& rangeMistake = {});

  RigidQuantization m_pose;
  std::vector<SchemaField> m_fields;
  /// Built with the schema (the pose's fields, then one per declared field), so that
  /// every controller of the type shares it instead of building its own per spawn.
  FieldLayout m_layout;
  std::string m_error;
  /// Kept as fields are declared (the pose is fixed): every hello and type table a
  /// peer sends or checks reads it, and it does not change once the type is in use.
  uint32_t m_digest;
  uint32_t computeDigest() const;
};

/// The schema as text, one line per field (the pose's, then the gameplay fields):
/// name, bits, range, step and delta order, then the block's size at most.
std::string describeSchema(const StateSchema& schema);

class ControllerRegistry;
/// Every registered type, in id order: "type 3 'grenade', digest 0x...", then its
/// schema (describeSchema), or its pose when it declares only a statePrecision, or
/// that its blocks are written by hand. What `ferrum-server --describe-types` prints.
std::string describeTypes(const ControllerRegistry& registry);

/// One entity's values of a schema's gameplay fields, held as their wire codes (so
/// what the authority holds is exactly what receivers decode). Starts with every
/// field at its initial value.
class StateValues {
public:
  StateValues() = default;
  explicit StateValues(const StateSchema& schema);

  int32_t get(IntField field) const;
  float get(FloatField field) const; ///< on the step grid, within [min, max]
  bool get(BoolField field) const;
  /// False, nothing changed and a warning logged (once per field) when the value is
  /// outside the field's range or not finite, or the handle is not this schema's.
  /// A float is snapped to its step grid.
  bool set(IntField field, int32_t value);
  bool set(FloatField field, float value);
  bool set(BoolField field, bool value);

  /// Appends every field's code, in declaration order (bits: SchemaField::bits).
  bool write(WriteStream& out) const;
  /// Reads what write() wrote. False (values unchanged, `in` failed) on a short
  /// stream or a code past its field's range: a value the schema cannot hold.
  bool read(ReadStream& in);

  const std::vector<uint32_t>& codes() const { return m_codes; }
  const StateSchema* schema() const { return m_schema; }
  friend bool operator==(const StateValues& a, const StateValues& b) { return a.m_codes == b.m_codes; }

private:
  const SchemaField* checked(uint16_t index, SchemaField::Kind kind) const;
  bool refuse(uint16_t index, const std::string& why);

  const StateSchema* m_schema = nullptr;
  std::vector<uint32_t> m_codes;
  uint64_t m_warned = 0; ///< fields already warned about (the first 64)
};

} // namespace ferrum
