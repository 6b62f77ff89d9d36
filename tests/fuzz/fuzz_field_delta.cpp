// libFuzzer target: the field-delta codec (wire/field_delta.h) on its own, through its
// public functions only. A delta arrives from the network against a baseline the
// receiver holds, so both the layout's shape and the bits are the fuzzer's.
//
// Input: [layout][baseline bits:2, little endian][baseline bytes][trim:1]
//        ([span:1][ahead:2][older bits:2][older bytes] when trim bit 3 is set)[rest]
//   layout: one byte; bit 7 set: a demo type's real layout (crate, player, cubes or
//   the default quantization); else 1 + (byte % 16) fields, each [bits][shape] with
//   bits 1 + (bits % kWidestField), gated (shape bit 7) on an earlier 1-bit field
//   chosen by shape bits 4..6, delta order shape % 16.
//   The baseline takes up to 8 * 64 bits of what follows; `rest` loses its last
//   trim % 8 bits (a payload or a delta ends anywhere in a byte) and is used twice:
//   - as a delta from the network: readFieldDelta must refuse it or rebuild a payload
//     that fits the layout, and that payload must survive writeFieldDelta then
//     readFieldDelta exactly;
//   - as the sender's current payload: writeFieldDelta then
//     readFieldDelta must reproduce it bit for bit, or the write must refuse a
//     payload that does not fit the layout.
//   Trim bit 3 adds a prediction (a predicted delta's base is extrapolated from the
//   baseline B1 and an older block B2, wire::FieldPrediction): span 1..64 (192..255
//   as is: out of range, must be refused), ahead 1..4095, and B2's bits like the
//   baseline's. Then the delta from the network is read with that prediction (base
//   codes `1` and `01`+span as well as `00`), and every payload is also written by
//   writeFieldDeltaPair, whose plain and predicted deltas must be writeFieldDelta's
//   bits without and with the prediction and must each read back to the payload.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ferrum/field_layout.h"
#include "ferrum/rigid_quantization.h"
#include "ferrum/rigid_state.h"
#include "game/crate_controller.h"
#include "game/cubes_scenario.h"
#include "game/player_controller.h"
#include "tests/fuzz/fuzz_world.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace {

using namespace ferrum;

constexpr size_t kMaxBaselineBits = 8 * 64;

// field_layout.h allows fields up to 32 bits. (This target once found a change of more
// than 2^31 in a 32-bit field coded wrongly: its zigzag wrapped at 32 bits. Fixed; the
// unit test FieldDelta.ALargeChangeOfAThirtyTwoBitFieldSurvives keeps it.)
constexpr int kWidestField = 32;

const std::vector<FieldLayout>& realLayouts() {
  static const std::vector<FieldLayout> layouts{
      rigidStateLayout(game::crateQuantization()), rigidStateLayout(game::playerQuantization()),
      rigidStateLayout(game::cubesQuantization()), rigidStateLayout(RigidQuantization{})};
  return layouts;
}

struct Cursor {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  uint8_t byte() { return at < size ? data[at++] : 0; }
};

// A layout as field_layout.h documents them: widths 1..kWidestField, gates on
// earlier 1-bit fields only.
FieldLayout layoutFrom(Cursor& c) {
  const uint8_t head = c.byte();
  if (head & 0x80) return realLayouts()[head % realLayouts().size()];
  FieldLayout layout;
  const size_t n = 1 + head % 16;
  for (size_t i = 0; i < n; ++i) {
    FieldLayout::Field f;
    f.bits = static_cast<uint8_t>(1 + c.byte() % kWidestField);
    const uint8_t shape = c.byte();
    f.deltaOrder = shape % 16;
    if (shape & 0x80) {
      std::vector<int16_t> gates;
      for (size_t j = 0; j < i; ++j)
        if (layout.fields[j].bits == 1) gates.push_back(static_cast<int16_t>(j));
      if (!gates.empty()) f.presentIfZero = gates[((shape >> 4) & 7) % gates.size()];
    }
    layout.fields.push_back(f);
  }
  return layout;
}

bool sameBits(const WriteStream& a, const uint8_t* b, size_t bits) {
  if (a.bits() != bits) return false;
  ReadStream x(a.buffer().data(), bits), y(b, bits);
  for (size_t left = bits; left > 0;) {
    const int chunk = static_cast<int>(std::min<size_t>(left, 32));
    uint32_t p = 0, q = 0;
    x.serializeBits(p, chunk);
    y.serializeBits(q, chunk);
    if (p != q) return false;
    left -= static_cast<size_t>(chunk);
  }
  return x.ok() && y.ok();
}

bool sameBits(const WriteStream& a, const WriteStream& b) { return sameBits(a, b.buffer().data(), b.bits()); }

// `delta` reads back (with `prediction` if given) to exactly `current`.
void readsBackTo(const WriteStream& delta, const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits,
                 const uint8_t* current, size_t currentBits, const wire::FieldPrediction* prediction) {
  ReadStream in(delta.buffer().data(), delta.bits());
  WriteStream full;
  if (!wire::readFieldDelta(in, layout, baseline, baselineBits, full, prediction)) __builtin_trap();
  if (!sameBits(full, current, currentBits)) __builtin_trap();
}

// writeFieldDelta then readFieldDelta gives `current` back exactly; a refused write
// means one of the payloads does not fit the layout. With a prediction, the predicted
// delta too, and writeFieldDeltaPair writes both deltas bit for bit as writeFieldDelta
// does.
void roundTrip(const FieldLayout& layout, const uint8_t* baseline, size_t baselineBits, const uint8_t* current,
               size_t currentBits, const wire::FieldPrediction* prediction) {
  WriteStream delta;
  if (!wire::writeFieldDelta(delta, layout, baseline, baselineBits, current, currentBits)) {
    wire::FieldValues b, c;
    if (wire::splitFields(layout, baseline, baselineBits, b) && wire::splitFields(layout, current, currentBits, c))
      __builtin_trap(); // both fit, yet no delta
    if (prediction) {
      WriteStream plain, predicted;
      bool predictedWritten = false;
      if (wire::writeFieldDeltaPair(plain, predicted, predictedWritten, layout, baseline, baselineBits, current,
                                    currentBits, *prediction))
        __builtin_trap(); // the pair wrote what the single writer refused
    }
    return;
  }
  readsBackTo(delta, layout, baseline, baselineBits, current, currentBits, nullptr);
  if (!prediction) return;
  WriteStream predictedAlone;
  const bool predictable =
      wire::writeFieldDelta(predictedAlone, layout, baseline, baselineBits, current, currentBits, prediction);
  if (predictable) readsBackTo(predictedAlone, layout, baseline, baselineBits, current, currentBits, prediction);
  WriteStream plain, predicted;
  bool predictedWritten = false;
  if (!wire::writeFieldDeltaPair(plain, predicted, predictedWritten, layout, baseline, baselineBits, current,
                                 currentBits, *prediction))
    __builtin_trap();
  if (!sameBits(plain, delta)) __builtin_trap();
  if (predictedWritten != predictable) __builtin_trap();
  if (predictedWritten && !sameBits(predicted, predictedAlone)) __builtin_trap();
}

// The bits of a payload that follows in the input: a 2-byte count (up to kMaxBaselineBits,
// and no more than what is left), then its bytes.
std::vector<uint8_t> payloadFrom(Cursor& c, size_t& bits) {
  const size_t wanted = c.byte() | size_t{c.byte()} << 8;
  bits = std::min(wanted % (kMaxBaselineBits + 1), 8 * (c.size - std::min(c.size, c.at)));
  const size_t bytes = (bits + 7) / 8;
  // Copies: the library must not read past a payload's bytes (ASan sees the edge).
  std::vector<uint8_t> out(c.data + c.at, c.data + c.at + bytes);
  c.at += bytes;
  return out;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzzing::quietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Cursor c{data, size};
  const FieldLayout layout = layoutFrom(c);
  size_t baselineBits = 0;
  const std::vector<uint8_t> baseline = payloadFrom(c, baselineBits);
  const uint8_t trimByte = c.byte();
  const size_t trim = trimByte % 8;
  wire::FieldPrediction prediction;
  std::vector<uint8_t> older;
  const bool predicted = trimByte & 0x08;
  if (predicted) {
    const uint8_t span = c.byte();
    prediction.span = span >= 192 ? span : 1 + span % wire::kMaxPredictionSpan;
    prediction.ahead = 1 + (c.byte() | uint32_t{c.byte()} << 8) % wire::kMaxBaselineAge;
    older = payloadFrom(c, prediction.olderBits);
    prediction.older = older.data();
  }
  const wire::FieldPrediction* given = predicted ? &prediction : nullptr;
  const std::vector<uint8_t> rest(data + std::min(size, c.at), data + size);
  const size_t restBits = 8 * rest.size() > trim ? 8 * rest.size() - trim : 0;

  // The rest as a delta from the network.
  ReadStream in(rest.data(), restBits);
  WriteStream full;
  if (wire::readFieldDelta(in, layout, baseline.data(), baselineBits, full, given)) {
    wire::FieldValues fields;
    if (!wire::splitFields(layout, full.buffer().data(), full.bits(), fields)) __builtin_trap();
    roundTrip(layout, baseline.data(), baselineBits, full.buffer().data(), full.bits(), given);
  }
  // The rest as the sender's current payload.
  roundTrip(layout, baseline.data(), baselineBits, rest.data(), restBits, given);
  return 0;
}
