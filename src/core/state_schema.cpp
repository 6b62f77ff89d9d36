#include "ferrum/state_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "base/log.h"
#include "ferrum/entity_group.h"
#include "ferrum/rigid_state.h"
#include "wire/messages.h"

namespace ferrum {

namespace {

constexpr size_t kMaxFields = 256; // far beyond a gameplay block; keeps handles and digests small

// Exp-Golomb order for deltas of about `codes` steps: a delta d is coded as
// zigzag(d) - 1 (about 2|d|), which order k holds in k + 1 bits below 2^k.
uint8_t orderFor(double codes, uint8_t bits) {
  const double twice = std::max(1.0, 2.0 * codes);
  const int order = static_cast<int>(std::floor(std::log2(twice)));
  return static_cast<uint8_t>(std::clamp(order, 0, std::max(0, bits - 1)));
}

std::string stepText(float step) {
  const float inverse = 1.0f / step;
  if (step < 1 && std::fabs(inverse - std::round(inverse)) < 1e-3f) return fmt::format("1/{}", std::lround(inverse));
  return fmt::format("{:g}", step);
}

} // namespace

StateSchema::StateSchema(const RigidQuantization& pose)
    : m_pose(pose), m_layout(rigidStateLayout(m_pose)), m_digest(computeDigest()) {}

bool StateSchema::declare(SchemaField field, double typicalCodes, const std::string& rangeMistake) {
  auto mistake = [&](std::string why) {
    if (m_error.empty()) m_error = fmt::format("field '{}': {}", field.name, why);
    log::error("state schema: field '{}': {}", field.name, why);
    return false;
  };
  if (field.name.empty()) return mistake("a field needs a name");
  if (!rangeMistake.empty()) return mistake(rangeMistake);
  if (std::any_of(m_fields.begin(), m_fields.end(), [&](const SchemaField& f) { return f.name == field.name; }))
    return mistake("declared twice");
  if (m_fields.size() >= kMaxFields) return mistake(fmt::format("more than {} fields", kMaxFields));
  field.bits = static_cast<uint8_t>(bitsRequired(field.maxCode));
  field.deltaOrder = orderFor(typicalCodes, field.bits);
  FieldLayout::Field wire;
  wire.bits = field.bits;
  wire.deltaOrder = field.deltaOrder;
  m_layout.fields.push_back(wire);
  m_fields.push_back(std::move(field));
  m_digest = computeDigest();
  return true;
}

IntField StateSchema::addInt(std::string name, int32_t min, int32_t max, uint32_t typicalChange) {
  SchemaField f;
  f.name = std::move(name);
  f.kind = SchemaField::Kind::Int;
  if (min >= max) {
    declare(std::move(f), 0, fmt::format("min {} is not below max {}", min, max)); // refused: reports it
    return {};
  }
  f.intMin = min;
  f.intMax = max;
  f.min = static_cast<float>(min);
  f.max = static_cast<float>(max);
  f.maxCode = static_cast<uint32_t>(int64_t{max} - int64_t{min});
  f.initialCode = static_cast<uint32_t>(int64_t{std::clamp(0, min, max)} - int64_t{min});
  const uint16_t index = static_cast<uint16_t>(m_fields.size());
  return declare(std::move(f), typicalChange) ? IntField{index} : IntField{};
}

FloatField StateSchema::addFloat(std::string name, float min, float max, float step, float typicalChange) {
  SchemaField f;
  f.name = std::move(name);
  f.kind = SchemaField::Kind::Float;
  const double steps = (double{max} - double{min}) / double{step};
  std::string why;
  if (!std::isfinite(min) || !std::isfinite(max) || !std::isfinite(step) || !std::isfinite(typicalChange))
    why = "range, step and typical change must be finite";
  else if (!(min < max))
    why = fmt::format("min {} is not below max {}", min, max);
  else if (!(step > 0))
    why = fmt::format("step {} is not positive", step);
  else if (steps > 4294967295.0)
    why = "more than 2^32 steps";
  else if (std::round(steps) < 1)
    why = fmt::format("[{}, {}] is less than one step of {}", min, max, step);
  else if (std::fabs(steps - std::round(steps)) > 0.01)
    why = fmt::format("[{}, {}] is not a whole number of {} steps", min, max, step);
  if (!why.empty()) {
    declare(std::move(f), 0, why); // refused: reports it
    return {};
  }
  f.min = min;
  f.max = max;
  f.step = step;
  f.maxCode = static_cast<uint32_t>(std::llround(steps));
  f.initialCode = static_cast<uint32_t>(std::llround((std::clamp(0.0f, min, max) - double{min}) / step));
  const uint16_t index = static_cast<uint16_t>(m_fields.size());
  return declare(std::move(f), typicalChange > 0 ? typicalChange / step : 1.0) ? FloatField{index} : FloatField{};
}

BoolField StateSchema::addBool(std::string name) {
  SchemaField f;
  f.name = std::move(name);
  f.kind = SchemaField::Kind::Bool;
  f.max = 1;
  f.maxCode = 1;
  const uint16_t index = static_cast<uint16_t>(m_fields.size());
  return declare(std::move(f), 1) ? BoolField{index} : BoolField{};
}

uint32_t StateSchema::computeDigest() const {
  uint32_t hash = wire::precisionDigest(&m_pose);
  if (m_fields.empty()) return hash; // a pose-only type keeps its precision's digest
  auto add = [&](uint32_t word) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      hash ^= static_cast<uint8_t>(word >> shift);
      hash *= 0x01000193u; // FNV-1a, 32 bit, continued
    }
  };
  for (const SchemaField& f : m_fields) {
    add((static_cast<uint32_t>(f.kind) << 8) | f.bits);
    add(std::bit_cast<uint32_t>(f.min));
    add(std::bit_cast<uint32_t>(f.max));
    add(std::bit_cast<uint32_t>(f.step));
    add(static_cast<uint32_t>(f.name.size()));
    for (char c : f.name)
      add(static_cast<uint8_t>(c));
  }
  return hash == 0 ? 1 : hash;
}

// Rows are zipped with the live layout (bits, delta order, gate), so the text can only
// say what the codec does; the names and ranges follow rigidStateLayout's order.
std::string describeSchema(const StateSchema& schema) {
  struct Row {
    std::string name, range, step;
  };
  const RigidQuantization& q = schema.pose();
  std::vector<Row> rows;
  auto ranged = [&](std::string name, const QuantRange& r, const char* unit) {
    rows.push_back({std::move(name), fmt::format("{:g} .. {:g} {}", r.min, r.max, unit), stepText(r.step)});
  };
  ranged("position.x", q.positionX, "m");
  ranged("position.y", q.positionY, "m");
  ranged("position.z", q.positionZ, "m");
  if (q.orientationBits > 0) {
    rows.push_back({"orientation.largest", "index 0 .. 3", "1"});
    for (const char* c : {"a", "b", "c"})
      rows.push_back({fmt::format("orientation.{}", c), "-0.7071 .. 0.7071",
                      fmt::format("1.414/{}", (1 << q.orientationBits) - 1)});
  }
  if (q.restFlag) rows.push_back({"atRest", "flag", ""});
  if (q.velocities) {
    for (const char* axis : {"x", "y", "z"})
      ranged(fmt::format("linearVelocity.{}", axis), q.linearVelocity, "m/s");
    if (q.angularVelocities)
      for (const char* axis : {"x", "y", "z"})
        ranged(fmt::format("angularVelocity.{}", axis), q.angularVelocity, "rad/s");
  }
  for (const SchemaField& f : schema.fields()) {
    switch (f.kind) {
    case SchemaField::Kind::Int:
      rows.push_back({f.name, fmt::format("{} .. {}", f.intMin, f.intMax), "1"});
      break;
    case SchemaField::Kind::Float:
      rows.push_back({f.name, fmt::format("{:g} .. {:g}", f.min, f.max), stepText(f.step)});
      break;
    case SchemaField::Kind::Bool:
      rows.push_back({f.name, "flag", ""});
      break;
    }
  }
  const FieldLayout layout = schema.layout();
  const size_t firstDeclared = layout.fields.size() - schema.fields().size();
  std::string out =
      fmt::format("  {:<20} {:>4}  {:<18} {:<13} {:<5}  {}\n", "field", "bits", "range", "step", "order", "sent");
  size_t total = 0;
  for (size_t i = 0; i < layout.fields.size() && i < rows.size(); ++i) {
    const FieldLayout::Field& f = layout.fields[i];
    if (i == firstDeclared) out += "  -- gameplay fields (declared) --\n";
    const std::string sent =
        f.presentIfZero >= 0 ? fmt::format("while {} is 0", rows[static_cast<size_t>(f.presentIfZero)].name) : "always";
    out += fmt::format("  {:<20} {:>4}  {:<18} {:<13} {:<5}  {}\n", rows[i].name, f.bits, rows[i].range, rows[i].step,
                       f.bits == 1 ? std::string("flips") : std::to_string(f.deltaOrder), sent);
    total += f.bits;
  }
  out += fmt::format("  at most {} bits a block, before field deltas\n", total);
  return out;
}

std::string describeTypes(const ControllerRegistry& registry) {
  std::string out;
  for (EntityTypeId id : registry.ids()) {
    const EntityType& type = *registry.find(id);
    if (type.stateSchema) {
      out += fmt::format("type {} '{}' (schema digest {:08x})\n", id, type.name, type.stateSchema->digest());
      out += describeSchema(*type.stateSchema);
    } else if (type.statePrecision) {
      out += fmt::format("type {} '{}': a pose at a declared precision; fields written by hand, if any, "
                         "are not shown\n",
                         id, type.name);
      out += describeSchema(StateSchema(*type.statePrecision));
    } else {
      out += fmt::format("type {} '{}': no declared schema (blocks written by hand)\n", id, type.name);
    }
  }
  return out;
}

StateValues::StateValues(const StateSchema& schema) : m_schema(&schema) {
  m_codes.reserve(schema.fields().size()); // one allocation, not one per doubling
  for (const SchemaField& f : schema.fields())
    m_codes.push_back(f.initialCode);
}

const SchemaField* StateValues::checked(uint16_t index, SchemaField::Kind kind) const {
  if (!m_schema || index >= m_codes.size()) return nullptr;
  const SchemaField& f = m_schema->fields()[index];
  return f.kind == kind ? &f : nullptr;
}

bool StateValues::refuse(uint16_t index, const std::string& why) {
  const uint64_t bit = index < 64 ? uint64_t{1} << index : 0;
  if (!(m_warned & bit)) log::warn("state value refused, left unchanged: {}", why);
  m_warned |= bit;
  return false;
}

int32_t StateValues::get(IntField field) const {
  const SchemaField* f = checked(field.index, SchemaField::Kind::Int);
  return f ? static_cast<int32_t>(int64_t{f->intMin} + m_codes[field.index]) : 0;
}

float StateValues::get(FloatField field) const {
  const SchemaField* f = checked(field.index, SchemaField::Kind::Float);
  if (!f) return 0;
  return std::clamp(f->min + static_cast<float>(m_codes[field.index]) * f->step, f->min, f->max);
}

bool StateValues::get(BoolField field) const {
  return checked(field.index, SchemaField::Kind::Bool) && m_codes[field.index] != 0;
}

bool StateValues::set(IntField field, int32_t value) {
  const SchemaField* f = checked(field.index, SchemaField::Kind::Int);
  if (!f) return refuse(field.index, fmt::format("no integer field #{} in this schema", field.index));
  if (value < f->intMin || value > f->intMax)
    return refuse(field.index, fmt::format("'{}' = {} is outside {} .. {}", f->name, value, f->intMin, f->intMax));
  m_codes[field.index] = static_cast<uint32_t>(int64_t{value} - f->intMin);
  return true;
}

bool StateValues::set(FloatField field, float value) {
  const SchemaField* f = checked(field.index, SchemaField::Kind::Float);
  if (!f) return refuse(field.index, fmt::format("no float field #{} in this schema", field.index));
  if (!(value >= f->min && value <= f->max)) // NaN fails too
    return refuse(field.index, fmt::format("'{}' = {} is outside {:g} .. {:g}", f->name, value, f->min, f->max));
  const long long code = std::llround((double{value} - f->min) / f->step);
  m_codes[field.index] = static_cast<uint32_t>(std::clamp<long long>(code, 0, f->maxCode));
  return true;
}

bool StateValues::set(BoolField field, bool value) {
  if (!checked(field.index, SchemaField::Kind::Bool))
    return refuse(field.index, fmt::format("no flag field #{} in this schema", field.index));
  m_codes[field.index] = value ? 1 : 0;
  return true;
}

bool StateValues::write(WriteStream& out) const {
  if (!m_schema) return out.ok();
  const std::vector<SchemaField>& fields = m_schema->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    uint32_t code = m_codes[i];
    if (!out.serializeUint(code, 0, fields[i].maxCode)) return false;
  }
  return out.ok();
}

bool StateValues::read(ReadStream& in) {
  if (!m_schema) return in.ok();
  const std::vector<SchemaField>& fields = m_schema->fields();
  // Scratch per thread: every block of a type with fields passes here, on every peer.
  thread_local std::vector<uint32_t> codes;
  codes.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i)
    if (!in.serializeUint(codes[i], 0, fields[i].maxCode)) return false;
  m_codes.assign(codes.begin(), codes.end());
  return true;
}

} // namespace ferrum
