#pragma once
// A controller for networking tests: its state is one number, and it counts how each
// of its updates was called (and whether a value ever went backwards).

#include "ferrum/entity_group.h"

namespace testing_support {

using namespace ferrum;

constexpr EntityTypeId kProbeType = 9;

// Sends one number; counts how each update was called.
class ProbeController final : public Controller {
public:
  uint32_t value = 0;     // the authority's state
  uint32_t received = 0;  // last value read from a block
  int serverUpdates = 0;
  mutable int packs = 0;
  int withData = 0;
  int withoutData = 0;
  int wentBackwards = 0;

  void serverUpdate(WriteStream& out) const override {
    ++packs;
    uint32_t v = value;
    out.serializeBits(v, 32);
  }
  bool clientUpdate(const ReadStream* data, const UpdateContext&) override {
    if (!data) {
      ++withoutData;
      return true;
    }
    ReadStream in = *data;
    uint32_t v = 0;
    if (!in.serializeBits(v, 32)) return false;
    if (withData > 0 && v < received) ++wentBackwards;
    received = v;
    ++withData;
    return true;
  }
  // One 32-bit field: the live path codes it as a delta against what the receiver
  // acknowledged, so every probe test runs through the field-delta codec.
  const FieldLayout* fieldLayout() const override {
    static const FieldLayout layout{{FieldLayout::Field{32, -1, 2}}};
    return &layout;
  }
};

inline EntityType probeType() {
  EntityType t;
  t.name = "probe";
  t.clientMaySpawn = true;
  t.build = [](const SpawnState&) {
    EntityParts p;
    p.body.mass = 0; // static: the probe tests networking, not physics
    p.controller = std::make_unique<ProbeController>();
    return p;
  };
  return t;
}

} // namespace testing_support
