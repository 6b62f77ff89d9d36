// Micro-benchmarks: raw bit stream throughput, and the snapshot encoder/decoder on a
// synthetic 901-object world with about 4% of objects moving per frame (close to the
// recorded stream's activity). Counters report objects (entities) per second.

#include <benchmark/benchmark.h>

#include <random>

#include "ferrum/bit_stream.h"
#include "ferrum/snapshot_codec.h"

using namespace ferrum;
using namespace ferrum::snapshot;

namespace {

void BM_WriteBits(benchmark::State& state) {
  const int bits = static_cast<int>(state.range(0));
  for (auto _ : state) {
    WriteStream out(64 * 1024);
    for (uint32_t i = 0; i < 4096; ++i) {
      uint32_t v = i & ((1u << bits) - 1);
      out.serializeBits(v, bits);
    }
    benchmark::DoNotOptimize(out.buffer().data());
  }
  state.SetItemsProcessed(state.iterations() * 4096);
  state.SetBytesProcessed(state.iterations() * 4096 * bits / 8);
}
BENCHMARK(BM_WriteBits)->Arg(1)->Arg(9)->Arg(18)->Arg(32);

void BM_ReadBits(benchmark::State& state) {
  const int bits = static_cast<int>(state.range(0));
  WriteStream out(64 * 1024);
  for (uint32_t i = 0; i < 4096; ++i) {
    uint32_t v = i & ((1u << bits) - 1);
    out.serializeBits(v, bits);
  }
  for (auto _ : state) {
    ReadStream in(out.buffer().data(), out.bits());
    uint32_t sum = 0, v = 0;
    for (int i = 0; i < 4096; ++i) {
      in.serializeBits(v, bits);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 4096);
}
BENCHMARK(BM_ReadBits)->Arg(1)->Arg(9)->Arg(18)->Arg(32);

/// 64 frames of a grid world where a few objects near a moving "player" change.
std::vector<std::vector<CubeState>> makeFrames(size_t objects, double movingShare) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<CubeState> s(objects);
  for (size_t i = 0; i < objects; ++i) {
    s[i].x = static_cast<int32_t>(i % 30) * 512;
    s[i].y = static_cast<int32_t>(i / 30) * 512;
    s[i].z = 102;
  }
  std::vector<std::vector<CubeState>> frames;
  for (int f = 0; f < 64; ++f) {
    for (CubeState& c : s) {
      if (u(rng) >= movingShare) continue;
      c.x += static_cast<int32_t>(rng() % 41) - 20;
      c.y += static_cast<int32_t>(rng() % 41) - 20;
      c.a = (c.a + rng() % 7) % 512;
      c.interacting = true;
    }
    frames.push_back(s);
  }
  return frames;
}

void BM_SnapshotEncode(benchmark::State& state) {
  const auto frames = makeFrames(static_cast<size_t>(state.range(0)), 0.04);
  SnapshotConfig config;
  SnapshotSender sender(config);
  size_t f = 0, bytes = 0;
  for (auto _ : state) {
    const auto out = sender.encode(frames[f++ % frames.size()]);
    sender.onAck(static_cast<uint16_t>(sender.nextSequence() - 1));
    bytes += out.size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["entities/s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                    benchmark::Counter::kIsRate);
  state.counters["bytes/packet"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SnapshotEncode)->Arg(901)->Arg(4096);

void BM_SnapshotDecode(benchmark::State& state) {
  const auto frames = makeFrames(static_cast<size_t>(state.range(0)), 0.04);
  SnapshotConfig config;
  SnapshotSender sender(config);
  SnapshotReceiver receiver(config);
  receiver.decode(sender.encode(frames[0]));
  sender.onAck(0);
  // Every packet against the same baseline, so one receiver can decode any of them.
  std::vector<std::vector<uint8_t>> packets;
  for (size_t f = 1; f < frames.size(); ++f) packets.push_back(sender.encode(frames[f]));
  size_t i = 0;
  for (auto _ : state) {
    const DecodeResult r = receiver.decode(packets[i++ % packets.size()]);
    benchmark::DoNotOptimize(r.snapshot);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["entities/s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SnapshotDecode)->Arg(901)->Arg(4096);

} // namespace
