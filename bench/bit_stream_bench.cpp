// Micro-benchmarks of the bit stream layer on wire-like traffic (BM_WriteBits and
// BM_ReadBits in state_packet_bench.cpp time one fixed width): a mix of widths as a
// field delta writes them, Exp-Golomb codes of small gaps, and the copy of block
// payloads in and out of a packet (serializeRawBits / extractBits). Counters report
// items (fields, codes, payloads) per second.

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "ferrum/bit_stream.h"
#include "wire/exp_golomb.h"

using namespace ferrum;

namespace {

constexpr int kItems = 4096;

/// Widths 1..32 skewed to the short ones (flags, classes, small deltas), values random.
std::vector<std::pair<uint32_t, int>> mixedFields() {
  std::mt19937 rng(11);
  std::vector<std::pair<uint32_t, int>> fields;
  for (int i = 0; i < kItems; ++i) {
    const int bits = rng() % 4 == 0 ? 1 + static_cast<int>(rng() % 32) : 1 + static_cast<int>(rng() % 8);
    const auto r = static_cast<uint32_t>(rng());
    fields.emplace_back(bits == 32 ? r : r & ((1u << bits) - 1), bits);
  }
  return fields;
}

void BM_MixedWidthsWrite(benchmark::State& state) {
  const auto fields = mixedFields();
  for (auto _ : state) {
    WriteStream out(64 * 1024);
    for (auto [value, bits] : fields) out.serializeBits(value, bits);
    benchmark::DoNotOptimize(out.buffer().data());
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_MixedWidthsWrite);

void BM_MixedWidthsRead(benchmark::State& state) {
  const auto fields = mixedFields();
  WriteStream out(64 * 1024);
  for (auto [value, bits] : fields) out.serializeBits(value, bits);
  for (auto _ : state) {
    ReadStream in(out.buffer().data(), out.bits());
    uint32_t sum = 0, v = 0;
    for (const auto& field : fields) {
      in.serializeBits(v, field.second);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_MixedWidthsRead);

/// Small values, as id gaps and field-delta magnitudes are: mostly 0..20, a few large.
std::vector<uint32_t> smallGaps() {
  std::mt19937 rng(12);
  std::vector<uint32_t> values;
  for (int i = 0; i < kItems; ++i) values.push_back(rng() % 16 == 0 ? static_cast<uint32_t>(rng() % 100000) : static_cast<uint32_t>(rng() % 21));
  return values;
}

void BM_ExpGolombWrite(benchmark::State& state) {
  const auto values = smallGaps();
  const auto k = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) {
    WriteStream out(64 * 1024);
    for (uint32_t v : values) wire::serializeExpGolomb(out, v, k);
    benchmark::DoNotOptimize(out.buffer().data());
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_ExpGolombWrite)->Arg(0)->Arg(2);

void BM_ExpGolombRead(benchmark::State& state) {
  const auto values = smallGaps();
  const auto k = static_cast<uint32_t>(state.range(0));
  WriteStream out(64 * 1024);
  for (uint32_t v : values) wire::serializeExpGolomb(out, v, k);
  for (auto _ : state) {
    ReadStream in(out.buffer().data(), out.bits());
    uint32_t sum = 0, v = 0;
    for (int i = 0; i < kItems; ++i) {
      wire::serializeExpGolomb(in, v, k);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_ExpGolombRead)->Arg(0)->Arg(2);

/// 64 payloads of 100 bits copied into a packet and back out, at an unaligned (arg 0)
/// or a byte-aligned (arg 1) position.
void BM_PayloadCopy(benchmark::State& state) {
  const bool aligned = state.range(0) != 0;
  std::vector<uint8_t> payload(13, 0xA5);
  payload.back() = 0x0F; // 100 bits
  std::vector<uint8_t> copy;
  for (auto _ : state) {
    WriteStream out(64 * 1024);
    for (int i = 0; i < 64; ++i) {
      uint32_t pad = 0;
      out.serializeBits(pad, aligned ? 4 : 3); // 100 + 4 = 104: every payload starts on a byte
      out.serializeRawBits(payload.data(), 100);
    }
    ReadStream in(out.buffer().data(), out.bits());
    size_t total = 0;
    for (int i = 0; i < 64; ++i) {
      uint32_t pad = 0;
      in.serializeBits(pad, aligned ? 4 : 3);
      extractBits(in, 100, copy);
      total += copy.size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_PayloadCopy)->Arg(0)->Arg(1);

} // namespace
