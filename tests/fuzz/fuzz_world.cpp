#include "tests/fuzz/fuzz_world.h"

#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "ferrum/log.h"

#include "game/arena.h"
#include "game/demo_game.h"

namespace fuzzing {

ferrum::SpawnState restingAt(ferrum::Vec3 position, uint32_t variant) {
  ferrum::SpawnState s;
  s.transform.position = position;
  s.variant = variant;
  return s;
}

SharedWorld::SharedWorld() {
  game::registerDemoTypes(registry);
  group = std::make_unique<ferrum::EntityGroup>(registry);
  game::buildArena(group->physics());
  effects.setPendingLimit(64);
  warmUp();
}

// Bullet keeps what it allocated (its arrays of bodies, pairs and contacts grow and
// never shrink): the first input to spawn more bodies or make more contacts than any
// before it allocates more than it frees, and libFuzzer takes that for a possible leak
// (it runs the input again, then LeakSanitizer over the whole heap: a few such inputs
// in a hundred cost more than all the others). A pile of more bodies than an input
// can have (64 spawns from a server, the fixture's 3, a client's 32 at most), stepped
// and removed once, grows them beforehand; the world is then empty again. Its crates
// are the fixture's size (variant 1), so that shape is there for every input alike.
void SharedWorld::warmUp() {
  constexpr uint32_t kBodies = 96;
  for (uint32_t i = 0; i < kBodies; ++i) {
    const ferrum::EntityId id = ferrum::EntityId::make(static_cast<ferrum::PeerId>(i % 4), 1 + i);
    const ferrum::Vec3 at{static_cast<float>(i % 4) * 0.3f, 0.5f + static_cast<float>(i / 16) * 0.3f,
                          static_cast<float>((i / 4) % 4) * 0.3f};
    const ferrum::EntityTypeId type = typeForId(id);
    group->spawn(id, type, id.creator(), restingAt(at, type == game::kCrateType ? 1 : 90));
  }
  m_sharedShapes = group->physics().sharedShapeCount();
  for (int tick = 0; tick < 3; ++tick) group->step();
  reset();
}

void SharedWorld::reset() {
  group->setHooks(nullptr);
  // The ids into a list kept across inputs (EntityGroup::ids() makes a new vector).
  static std::vector<ferrum::EntityId> ids;
  ids.clear();
  std::as_const(*group).forEach([&](const ferrum::Entity& e) { ids.push_back(e.id()); });
  for (ferrum::EntityId id : ids) group->despawn(id);
  group->step(); // drops despawns a controller requested with no NetManager attached
  group->physics().dropSharedShapesAfter(m_sharedShapes);
  group->setLocalPeer(ferrum::kServerPeer);
  group->setNextCounter(1);
  group->setTickSeconds(1.0f / 60);
  group->viewTimeline() = ferrum::ViewTimeline{};
  group->viewSettings() = ferrum::ViewSettings{};
  effects = ferrum::Effects{};
  effects.setPendingLimit(64);
}

namespace {

struct Digest {
  uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a, 64 bit
  // The fixture's own check, not code under test: without coverage instrumentation
  // its loop does not call libFuzzer's comparison hook for every byte it hashes (not
  // inlined either, or the instrumentation of its callers would reach it again).
  __attribute__((noinline, no_sanitize("coverage"))) void bytes(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    // Eight bytes a step (FNV-1a over words), then the rest byte by byte: the same
    // check, with an eighth of the steps.
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      uint64_t word = 0;
      std::memcpy(&word, p + i, 8);
      hash ^= word;
      hash *= 0x100000001b3ull;
    }
    for (; i < size; ++i) {
      hash ^= p[i];
      hash *= 0x100000001b3ull;
    }
  }
  template <class T>
  void value(const T& v) {
    static_assert(std::has_unique_object_representations_v<T> || std::is_floating_point_v<T>);
    bytes(&v, sizeof v);
  }
  void vec(const ferrum::Vec3& v) {
    value(v.x);
    value(v.y);
    value(v.z);
  }
};

} // namespace

uint64_t fixtureDigest(const ferrum::NetManager& peer, const SharedWorld& world) {
  Digest d;
  const ferrum::NetStats stats = peer.stats();
  d.value(static_cast<uint32_t>(stats.role));
  d.value(stats.self);
  d.value(stats.tick);
  d.value(stats.liveEntities);
  d.value(stats.counters);
  for (const ferrum::PeerStats& p : stats.peers) {
    d.value(p.slot);
    d.value(p.connected);
    d.value(p.rttMs);
    // The counters after rttMs are all uint64_t, contiguous (no padding between them).
    d.bytes(&p.packetsSent, static_cast<size_t>(reinterpret_cast<const char*>(&p.spawnsQueued + 1) -
                                                 reinterpret_cast<const char*>(&p.packetsSent)));
  }
  const ferrum::EntityGroup& group = *world.group;
  d.value(group.localPeer());
  d.value(group.tickSeconds());
  d.value(group.viewTimeline().serverNow);
  d.value(group.viewTimeline().interpolationDelay);
  d.value(group.viewTimeline().sendInterval);
  d.value(group.size());
  group.forEach([&](const ferrum::Entity& e) {
    d.value(e.id().value);
    d.value(e.type());
    d.value(e.authority());
    const ferrum::SpawnState s = group.spawnStateOf(e);
    d.vec(s.transform.position);
    d.value(s.transform.orientation.x);
    d.value(s.transform.orientation.y);
    d.value(s.transform.orientation.z);
    d.value(s.transform.orientation.w);
    d.vec(s.linearVelocity);
    d.vec(s.angularVelocity);
    d.value(s.variant);
  });
  d.value(world.effects.pending().size());
  d.value(group.physics().sharedShapeCount());
  return d.hash;
}

void expectSameFixture(int slot, uint64_t digest) {
  static uint64_t first[4] = {};
  static bool seen[4] = {};
  if (slot < 0 || slot >= 4) __builtin_trap();
  if (!seen[slot]) {
    seen[slot] = true;
    first[slot] = digest;
  } else if (first[slot] != digest) {
    __builtin_trap(); // an earlier input changed what this one starts from
  }
}

// The inline 8-bit counters -fsanitize=fuzzer gives every edge of the (single,
// statically linked) instrumented module; the linker names the section's bounds.
extern "C" {
extern uint8_t __start___sancov_cntrs[];
extern uint8_t __stop___sancov_cntrs[];
}

void forgetFixtureCoverage() {
  std::memset(__start___sancov_cntrs, 0, static_cast<size_t>(__stop___sancov_cntrs - __start___sancov_cntrs));
}

namespace {
uint8_t* keptCounters() {
  static uint8_t* kept = new uint8_t[static_cast<size_t>(__stop___sancov_cntrs - __start___sancov_cntrs)];
  return kept;
}
} // namespace

void keepInputCoverage() {
  std::memcpy(keptCounters(), __start___sancov_cntrs, static_cast<size_t>(__stop___sancov_cntrs - __start___sancov_cntrs));
}

void restoreInputCoverage() {
  std::memcpy(__start___sancov_cntrs, keptCounters(), static_cast<size_t>(__stop___sancov_cntrs - __start___sancov_cntrs));
}

void quietLogs() {
  spdlog::set_level(spdlog::level::off); // the demo game's own lines
  ferrum::setLogLevel(ferrum::LogLevel::Off); // the library's
}

} // namespace fuzzing
