#pragma once
// Shared by the fuzz targets and the seed generator: the demo world a decoded packet
// lands in, and the fixed ids the recorded match gives its first entities, so real
// packets from the seed corpus reach the controller they were written for.

#include <memory>

#include "ferrum/entity_group.h"
#include "ferrum/ids.h"
#include "ferrum/memory_transport.h"
#include "ferrum/net_manager.h"
#include "game/types.h"

namespace fuzzing {

/// In the recorded match the server spawns crates first (ids [0:1], [0:2]...), each
/// client spawns its player first and then its grenades ([slot:1], [slot:2]...).
constexpr ferrum::EntityId kCrateId = ferrum::EntityId::make(ferrum::kServerPeer, 1);
constexpr ferrum::EntityId kPlayerId = ferrum::EntityId::make(1, 1);
constexpr ferrum::EntityId kGrenadeId = ferrum::EntityId::make(1, 2);

/// Which demo type a block for `id` is fed to: the recorded layout above for real
/// ids, and every id reaches some controller so the fuzzer can steer blocks anywhere.
inline ferrum::EntityTypeId typeForId(ferrum::EntityId id) {
  if (id.creator() == ferrum::kServerPeer) return game::kCrateType;
  return id.counter() == 1 ? game::kPlayerType : game::kGrenadeType;
}

/// The config every fuzz target's peers start from: the defaults, but physics steps
/// on the caller's thread (NetConfig::physicsThread off). A step on a thread of its
/// own beside the sends would hand over to another thread on every sending tick of
/// every input and run instrumented code there while the input's coverage is
/// counted; PhysicsThread.* tests that the two ways give the same bytes and world.
inline ferrum::NetConfig fuzzConfig(ferrum::Role role) {
  ferrum::NetConfig config;
  config.role = role;
  config.physicsThread = false;
  return config;
}

/// A state the demo types accept: on the floor near the origin, at rest.
ferrum::SpawnState restingAt(ferrum::Vec3 position, uint32_t variant);

/// The demo world (types, arena, physics), built once per fuzz process: creating a
/// Bullet world per input would cost more than everything the input exercises.
struct SharedWorld {
  ferrum::ControllerRegistry registry;
  std::unique_ptr<ferrum::EntityGroup> group;
  ferrum::Effects effects;

  SharedWorld();
  /// Puts the world back as the constructor left it: no entity, and every setting a
  /// NetManager or an input may change (local peer, id counter, tick length, view
  /// timeline and settings, effects, the physics world's shared shapes) at its
  /// constructed value. Called at the end of each input, with its peers already
  /// gone, so that an input frees what it allocated (libFuzzer then has no reason to
  /// re-run it under LeakSanitizer) and the next input starts from the same world.
  void reset();

private:
  void warmUp();
  /// The physics world's shared shapes once warmed up (the arena's and the warm-up
  /// bodies'): reset() drops those an input added (a crate of a new size makes one),
  /// or the next input would find a shape the first did not, and take another path.
  size_t m_sharedShapes = 0;
};

/// A digest of what a fixture's peer and world look like (NetManager stats, the
/// group's settings, every entity's id, type, authority and state, pending effects,
/// how many collision shapes the physics world keeps).
/// A target takes it once its fixture is built and compares it with the first
/// input's (a fresh process): any difference means one input's leftovers reached the
/// next one, and it traps rather than report findings that do not reproduce.
uint64_t fixtureDigest(const ferrum::NetManager& peer, const SharedWorld& world);

/// Traps if `digest` differs from the first one this `slot` was given.
void expectSameFixture(int slot, uint64_t digest);

/// Clears this input's coverage counters so far. Called once a target's fixture (the
/// peers, the handshake, the entities every input starts with) is built: that code
/// runs identically for every input, so its ~1 500 edges tell libFuzzer nothing, yet
/// its per-edge bookkeeping after every input (CollectFeatures, entropic frequency
/// updates) cost more than the target's own code. The fixture still runs in full per
/// input (a fresh state, sanitizers on); only its edges go unreported, and libFuzzer's
/// cov: figure counts what the inputs reach past the fixture.
void forgetFixtureCoverage();

/// Keeps this input's coverage counters as they are now, and puts them back: a target
/// keeps them once the input's own work is done, then destroys its peers and resets
/// the world (the same teardown for every input, sanitizers watching), then puts them
/// back, so the teardown's edges are forgotten like the fixture's.
void keepInputCoverage();
void restoreInputCoverage();

/// Quiets logging: the fuzzers drive thousands of refusals a second.
void quietLogs();

} // namespace fuzzing
