// One client's share of a server state send with N entities, almost all at rest:
// the delta sender looking at every block (select) against looking at the changed
// ones and what it watches (selectChanged, timed with the change list it needs,
// which a server works out once per send for all clients: BM_BlockChangesUpdate).
// 1 % of the blocks change per send; every packet is acknowledged.

#include <benchmark/benchmark.h>

#include "net/block_changes.h"
#include "net/delta_sender.h"

namespace {

ferrum::wire::StateBlock restingBlock(uint32_t id, uint32_t value) { // by value: serializeBits takes references
  ferrum::WriteStream w;
  w.serializeBits(value, 32);
  w.serializeBits(id, 32);
  uint32_t inverse = ~id;
  w.serializeBits(inverse, 32);
  ferrum::wire::StateBlock b;
  b.id = ferrum::EntityId{id};
  b.bits = 96;
  b.payload = w.take();
  return b;
}

void sendLoop(benchmark::State& state, bool changedOnly) {
  const auto n = static_cast<uint32_t>(state.range(0));
  std::vector<ferrum::wire::StateBlock> blocks;
  for (uint32_t id = 1; id <= n; ++id) blocks.push_back(restingBlock(id, 0));
  ferrum::DeltaSender sender(60);
  ferrum::BlockChanges changes;
  auto all = [](ferrum::EntityId) { return 1.0f; };
  uint16_t sequence = 0;
  uint32_t tick = 0;
  uint32_t value = 0;
  bool first = true;
  for (auto _ : state) {
    tick += 2;
    for (uint32_t k = 0; k < n / 100; ++k) { // 1 % move
      const uint32_t i = (value * 7919u + k * 104729u) % n;
      blocks[i] = restingBlock(i + 1, ++value);
    }
    // The change list is worked out once per send for every client: timed here
    // with the one client (BM_BlockChangesUpdate alone).
    const auto& list = changedOnly ? changes.update(blocks) : changes.changed();
    auto chosen = first || !changedOnly ? sender.select(blocks, all, 9600, tick, sequence)
                                        : sender.selectChanged(blocks, list, all, 9600, tick, sequence);
    first = false;
    sender.recordSent(sequence, chosen, tick);
    sender.onAck(sequence, 0xFFFFFFFFu);
    ++sequence;
    benchmark::DoNotOptimize(chosen.data());
  }
}

void BM_SendSelectAll(benchmark::State& state) { sendLoop(state, false); }

void BM_BlockChangesUpdate(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  std::vector<ferrum::wire::StateBlock> blocks;
  for (uint32_t id = 1; id <= n; ++id) blocks.push_back(restingBlock(id, 0));
  ferrum::BlockChanges changes;
  uint32_t value = 0;
  for (auto _ : state) {
    for (uint32_t k = 0; k < n / 100; ++k) {
      const uint32_t i = (value * 7919u + k * 104729u) % n;
      blocks[i] = restingBlock(i + 1, ++value);
    }
    benchmark::DoNotOptimize(changes.update(blocks).data());
  }
}
void BM_SendSelectChanged(benchmark::State& state) { sendLoop(state, true); }

} // namespace

BENCHMARK(BM_SendSelectAll)->Arg(2000);
BENCHMARK(BM_SendSelectChanged)->Arg(2000);
BENCHMARK(BM_BlockChangesUpdate)->Arg(2000);
