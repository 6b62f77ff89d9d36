// The client's cost per remote entity, on the product path: a server Host and a client
// Host of the demo game over the in-memory transport (no sockets, no other process),
// the server owning N crates scattered over the large arena, the client holding them
// all. Each iteration is one 60 Hz tick of both; only the client's frame is timed
// (NetManager::frame: receive what the server sent, apply the blocks, update every
// copy's remote view, step its physics, send its acks). Reported: the client's wall
// time per tick, and per remote entity per tick (counters us_per_tick, us_per_entity),
// and the same in the client thread's CPU time (cpu_us_per_tick, cpu_us_per_entity).
//   resting: the crates have settled; the server sends little, the client still
//            visits every copy every tick.
//   stirred: the server kicks 0.1 % of the crates per tick (each moves about a
//            second), so a few per cent are in motion and their state streams in.
//
//   build/bench/ferrum-microbench --benchmark_filter=ClientTick --benchmark_repetitions=3

#include <benchmark/benchmark.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <random>
#include <string>

#include "core/entity_walk.h"
#include "ferrum/host.h"
#include "game/arena.h"
#include "game/demo_game.h"

using namespace ferrum;

namespace {

constexpr double kDt = 1.0 / 60;

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Both hosts on one clock the benchmark advances a tick at a time.
struct ClientAndServer {
  MemoryNetwork network;
  double now = 0;
  std::unique_ptr<Host> server, client;

  bool build(int crates, std::string& error) {
    auto def = [this](Role role, uint16_t port) {
      HostDef d = game::demoHostDef(game::Scenario::Large);
      d.net.role = role;
      d.memoryNetwork = &network;
      d.memoryPort = port;
      d.clock = [this] { return now; };
      return d;
    };
    server = Host::create(def(Role::Server, 1), error);
    if (!server) return false;
    game::scatterCrates(server->net(), crates, 7, game::kLargeArenaHalfSize);
    for (int i = 0; i < 180; ++i) tickServer(); // the crates fall and settle (3 s)
    client = Host::create(def(Role::Client, 2), error);
    if (!client || !client->connect("mem", 1)) return false;
    for (int i = 0; i < 3000 && client->group().size() < server->group().size(); ++i) tickBoth();
    if (client->group().size() != server->group().size()) {
      error = "the client did not get the whole world";
      return false;
    }
    for (int i = 0; i < 60; ++i) tickBoth(); // spawns confirmed, first state arrived
    return true;
  }
  void tickServer() {
    now += kDt;
    server->frame(now);
  }
  void tickBoth() {
    tickServer();
    client->frame(now);
  }
};

void BM_ClientTick(benchmark::State& state) {
  const int crates = static_cast<int>(state.range(0));
  const bool stirred = state.range(1) != 0;
  ClientAndServer world;
  std::string error;
  if (!world.build(crates, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<EntityId> ids = world.server->group().ids();
  double kicks = 0;
  double clientSeconds = 0, clientCpuSeconds = 0;
  const uint64_t appliedBefore = world.client->net().stats().counters.blocksApplied;
  for (auto _ : state) {
    if (stirred) {
      for (kicks += crates * 0.001; kicks >= 1; kicks -= 1) {
        Entity* e = world.server->group().find(ids[rng() % ids.size()]);
        if (e) e->body().setLinearVelocity({3 * unit(rng), 4, 3 * unit(rng)});
      }
    }
    world.tickServer();
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = threadCpuSeconds();
    world.client->frame(world.now);
    clientCpuSeconds += threadCpuSeconds() - cpuStart;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    clientSeconds += seconds;
  }
  const double ticks = static_cast<double>(state.iterations());
  const double held = static_cast<double>(world.client->group().size());
  state.counters["entities"] = held;
  state.counters["us_per_tick"] = clientSeconds / ticks * 1e6;
  state.counters["us_per_entity"] = clientSeconds / ticks / held * 1e6;
  // The client thread's own CPU time: what a shared machine's other work inflates least.
  state.counters["cpu_us_per_tick"] = clientCpuSeconds / ticks * 1e6;
  state.counters["cpu_us_per_entity"] = clientCpuSeconds / ticks / held * 1e6;
  state.counters["blocks_per_tick"] =
      static_cast<double>(world.client->net().stats().counters.blocksApplied - appliedBefore) / ticks;
}
BENCHMARK(BM_ClientTick)
    ->ArgNames({"crates", "stirred"})
    ->ArgsProduct({{50, 500, 2000}, {0, 1}})
    ->UseManualTime()
    ->Iterations(240) // 4 s of game time: each iteration also runs the (untimed) server tick
    ->Unit(benchmark::kMicrosecond);

} // namespace

// The part of the client's tick the entity walk (src/core/entity_walk.h) replaced,
// both ways in the same run: NetManager visits every entity a few times per tick
// (its own to pack, the remote ones to apply and show). Before: a copy of the
// group's ids, then a map lookup per id. After: the walk's cached (id, pointer) list.
// What each visit does is the same cheap check (the entity's authority).

namespace {

void BM_EntityVisit(benchmark::State& state) {
  const int crates = static_cast<int>(state.range(0));
  const bool cached = state.range(1) != 0;
  MemoryNetwork network;
  HostDef def = game::demoHostDef(game::Scenario::Large);
  def.net.role = Role::Server;
  def.memoryNetwork = &network;
  def.memoryPort = 1;
  std::string error;
  auto host = Host::create(std::move(def), error);
  if (!host) {
    state.SkipWithError(error.c_str());
    return;
  }
  game::scatterCrates(host->net(), crates, 7, game::kLargeArenaHalfSize);
  EntityGroup& group = host->group();
  EntityWalk walk(group);
  uint64_t remote = 0;
  for (auto _ : state) {
    if (cached) {
      walk.forEach([&](Entity& e) { remote += e.authority() != kServerPeer; });
    } else {
      for (EntityId id : group.ids()) {
        Entity* e = group.find(id);
        if (e) remote += e->authority() != kServerPeer;
      }
    }
    benchmark::DoNotOptimize(remote);
  }
  state.counters["ns_per_entity"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * crates,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EntityVisit)->ArgNames({"entities", "walk"})->ArgsProduct({{50, 500, 2000}, {0, 1}});

} // namespace
