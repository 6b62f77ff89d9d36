// libFuzzer target: the unreliable state channel. Bytes go through readStatePacket,
// which reads blocks sent without a length by the layout of the demo entity each id
// is fed to (as a client reads them by its copies' layouts); every block it accepts is
// then fed to that controller's clientUpdate on a real EntityGroup, as NetManager
// would, and the world is stepped.
//
// Input: [mode:1][state packet bytes]. mode bit 0: the entities first receive a valid
// block (prior state, e.g. a crate's last velocity); bit 1: this peer owns the player
// and the grenade (the authority's loopback path, where a grenade may explode).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>

#include "ferrum/entity.h"
#include "game/arena.h"
#include "game/demo_game.h"
#include "tests/fuzz/fuzz_world.h"
#include "wire/messages.h"

namespace {

struct World {
  ferrum::ControllerRegistry registry;
  std::unique_ptr<ferrum::EntityGroup> group;
  ferrum::Effects effects;

  World() {
    game::registerDemoTypes(registry);
    group = std::make_unique<ferrum::EntityGroup>(registry);
    game::buildArena(group->physics());
    group->setLocalEffects(&effects);
    effects.setPendingLimit(64);
  }

  // Fresh entities for every input, so a crash reproduces from its input alone.
  void reset(bool ownsPlayer) {
    for (ferrum::EntityId id : group->ids()) group->despawn(id);
    const ferrum::PeerId owner = ownsPlayer ? 1 : 2;
    group->setLocalPeer(ownsPlayer ? 1 : 3);
    group->spawn(fuzzing::kCrateId, game::kCrateType, ferrum::kServerPeer, fuzzing::restingAt({0, 2, 0}, 1));
    group->spawn(fuzzing::kPlayerId, game::kPlayerType, owner, fuzzing::restingAt({4, 1, 0}, owner));
    group->spawn(fuzzing::kGrenadeId, game::kGrenadeType, owner, fuzzing::restingAt({4, 2, 1}, 3));
  }

  ferrum::EntityId targetFor(ferrum::EntityId id) const {
    const ferrum::EntityTypeId type = fuzzing::typeForId(id);
    return type == game::kCrateType    ? fuzzing::kCrateId
           : type == game::kPlayerType ? fuzzing::kPlayerId
                                       : fuzzing::kGrenadeId;
  }

  // What each entity's authority would send: a real, valid block.
  void applyPriorState() {
    for (ferrum::EntityId id : group->ids()) {
      ferrum::Entity* e = group->find(id);
      ferrum::WriteStream out(ferrum::wire::kMaxBlockBits / 8);
      e->controller().serverUpdate(out);
      ferrum::ReadStream in(out.buffer().data(), out.bits());
      e->controller().clientUpdate(&in, {effects});
    }
  }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzzing::quietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  // Each type's layout, copied once: the entities are made afresh per input, after
  // the read (an input the reader refuses costs no world reset).
  static const std::map<ferrum::EntityId, ferrum::FieldLayout> layouts = [] {
    std::map<ferrum::EntityId, ferrum::FieldLayout> out;
    world.reset(false);
    for (ferrum::EntityId id : {fuzzing::kCrateId, fuzzing::kPlayerId, fuzzing::kGrenadeId})
      if (const ferrum::FieldLayout* l = world.group->find(id)->controller().fieldLayout()) out[id] = *l;
    return out;
  }();
  const ferrum::wire::DelimitLayout layoutOf = [](const ferrum::wire::StateHeader&,
                                                  ferrum::EntityId id) -> const ferrum::FieldLayout* {
    auto it = layouts.find(world.targetFor(id));
    return it == layouts.end() ? nullptr : &it->second;
  };
  ferrum::wire::StatePacket packet;
  if (ferrum::wire::readStatePacket(std::span(data + 1, size - 1), packet, layoutOf) != ferrum::wire::PacketRead::Ok)
    return 0;

  world.reset((mode & 2) != 0);
  if (mode & 1) world.applyPriorState();
  for (const ferrum::wire::StateBlock& block : packet.blocks) {
    ferrum::Entity* e = world.group->find(world.targetFor(block.id));
    if (!e) continue; // a grenade that exploded on an earlier block is gone
    ferrum::ReadStream in(block.payload.data(), block.bits);
    const ferrum::Transform before = e->body().transform();
    const ferrum::Vec3 velocityBefore = e->body().linearVelocity();
    if (!e->controller().clientUpdate(&in, {world.effects})) {
      // The Controller contract: a block it refuses leaves the entity unchanged.
      const ferrum::Transform after = e->body().transform();
      if (!(after.position == before.position) || !(e->body().linearVelocity() == velocityBefore)) __builtin_trap();
      e->controller().clientUpdate(nullptr, {world.effects});
    }
  }
  world.group->step();
  world.effects.clearPending();
  return 0;
}
