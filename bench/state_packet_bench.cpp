// Micro-benchmarks: raw bit stream throughput, and one state packet of a 901-cube
// world encoded and decoded by the live path's own functions, as NetManager runs them
// for one receiver: every cube's block packed at the cube scenario's precision
// (serializeRigidState at game::cubesQuantization(), as RigidBodyController::serverUpdate
// does; timed apart, since it is done once per tick for all receivers), DeltaSender::select (acks, field deltas against the acknowledged block,
// priority, 1200-byte cap), the header and chained framing (wire::writeBlock); then
// wire::readStatePacket, wire::readFieldDelta against a BaselineStore and
// serializeRigidState to read each block back. About 4 % of the cubes move per frame
// (close to the recorded stream's activity) and every packet is acknowledged before
// the next, so each moving cube is a small delta. Counters report cubes per second.

#include <benchmark/benchmark.h>

#include <random>

#include "ferrum/bit_stream.h"
#include "ferrum/rigid_state.h"
#include "game/cubes_scenario.h"
#include "net/baseline_store.h"
#include "net/delta_sender.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

using namespace ferrum;

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

/// 64 frames of a 30-wide grid of cubes where about `movingShare` of them slide and
/// turn a little each frame (awake while they do).
std::vector<std::vector<RigidState>> makeFrames(size_t cubes, double movingShare) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<RigidState> s(cubes);
  for (size_t i = 0; i < cubes; ++i) {
    s[i].position = {static_cast<float>(i % 30) - 14.5f, 0.2f, static_cast<float>(i / 30) - 14.5f};
    s[i].atRest = true;
  }
  std::vector<std::vector<RigidState>> frames;
  for (int f = 0; f < 64; ++f) {
    for (RigidState& c : s) {
      c.atRest = u(rng) >= movingShare;
      if (c.atRest) continue;
      c.position.x += (u(rng) - 0.5f) * 0.08f;
      c.position.z += (u(rng) - 0.5f) * 0.08f;
      c.orientation = canonicalQuat(Quat{c.orientation.x + (u(rng) - 0.5f) * 0.02f, c.orientation.y,
                                         c.orientation.z, c.orientation.w}); // normalized
    }
    frames.push_back(s);
  }
  return frames;
}

/// Every cube's whole block, as the controllers pack them once per tick
/// (RigidBodyController::serverUpdate: serializeRigidState at the type's precision).
std::vector<wire::StateBlock> packBlocks(const std::vector<RigidState>& frame) {
  const RigidQuantization& q = game::cubesQuantization();
  std::vector<wire::StateBlock> blocks(frame.size());
  for (size_t i = 0; i < frame.size(); ++i) {
    WriteStream w(64);
    RigidState st = frame[i];
    serializeRigidState(w, st, q);
    blocks[i].id = EntityId::make(kServerPeer, static_cast<uint32_t>(i + 1));
    blocks[i].bits = static_cast<uint32_t>(w.bits());
    blocks[i].payload = w.take();
  }
  return blocks;
}

/// One sender (DeltaSender for one receiver) and one receiver (BaselineStore), as a
/// server and its client hold them.
struct Link {
  DeltaSender sender{0, DeltaSender::Framing::Chained};
  BaselineStore store;
  uint16_t sequence = 0;
  std::vector<RigidState> received;

  /// The sender's half for one receiver: choose, code against the acknowledged
  /// blocks, write the packet (NetManager::sendState and sendBlocks).
  std::vector<uint8_t> encode(const std::vector<wire::StateBlock>& blocks, uint32_t tick) {
    static const FieldLayout layout = rigidStateLayout(game::cubesQuantization());
    received.resize(blocks.size());
    wire::StateHeader header;
    header.sequence = sequence;
    header.senderTick = header.originTick = tick;
    WriteStream out(1200);
    header.serialize(out);
    const auto chosen = sender.select(blocks, [](EntityId) { return 1.0f; }, 1200 * 8 - out.bits() - 1, tick,
                                      sequence, [](EntityId) { return &layout; });
    wire::BlockContext context;
    for (const wire::StateBlock* b : chosen) wire::writeBlock(out, *b, context);
    wire::writeEnd(out);
    sender.recordSent(sequence, chosen, tick);
    ++sequence;
    return out.take();
  }

  /// The receiver's half; returns the cubes read, or -1 on a decode failure.
  int decode(const std::vector<uint8_t>& bytes) {
    static const FieldLayout layout = rigidStateLayout(game::cubesQuantization());
    wire::StatePacket packet;
    if (!wire::readStatePacket(bytes, packet)) return -1;
    for (const wire::StateBlock& b : packet.blocks) {
      if (b.id.counter() - 1 >= received.size()) return -1;
      std::vector<uint8_t> whole = b.payload;
      uint32_t bits = b.bits;
      if (b.baselineAge != 0) {
        WriteStream full(wire::kMaxBlockBits / 8);
        if (!store.rebuild(b.id, packet.header.sequence, b.baselineAge, layout, b.payload.data(), b.bits, full))
          return -1;
        bits = static_cast<uint32_t>(full.bits());
        whole = full.take();
      }
      store.store(b.id, packet.header.sequence, bits, whole);
      ReadStream in(whole.data(), bits);
      if (!serializeRigidState(in, received[b.id.counter() - 1], game::cubesQuantization())) return -1;
    }
    return static_cast<int>(packet.blocks.size());
  }
};

/// Encode + decode of one packet for one receiver, acknowledged at once. The blocks
/// are packed beforehand (BM_PackBlocks: the controllers' share, once per tick for
/// every receiver). The first 64 packets (the start-up, where every cube goes whole
/// over several capped packets) are sent before timing starts.
void BM_LiveStatePacket(benchmark::State& state) {
  std::vector<std::vector<wire::StateBlock>> frames;
  for (const auto& f : makeFrames(static_cast<size_t>(state.range(0)), 0.04)) frames.push_back(packBlocks(f));
  Link link;
  uint32_t tick = 0;
  size_t bytes = 0, blocks = 0, packets = 0;
  auto one = [&] {
    const std::vector<uint8_t> packet = link.encode(frames[tick % frames.size()], tick);
    const int read = link.decode(packet);
    if (read < 0) state.SkipWithError("decode failed");
    link.sender.onAck(static_cast<uint16_t>(link.sequence - 1), 0);
    ++tick;
    return std::pair{packet.size(), static_cast<size_t>(std::max(read, 0))};
  };
  for (int i = 0; i < 64; ++i) one();
  for (auto _ : state) {
    const auto [size, read] = one();
    bytes += size;
    blocks += read;
    ++packets;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes/packet"] = static_cast<double>(bytes) / static_cast<double>(packets);
  state.counters["blocks/packet"] = static_cast<double>(blocks) / static_cast<double>(packets);
}
BENCHMARK(BM_LiveStatePacket)->Arg(901)->Arg(4096)->Unit(benchmark::kMicrosecond);

/// The controllers' share: every cube packed into its whole block (once per tick,
/// whatever the number of receivers).
void BM_PackBlocks(benchmark::State& state) {
  const auto frames = makeFrames(static_cast<size_t>(state.range(0)), 0.04);
  size_t f = 0;
  for (auto _ : state) benchmark::DoNotOptimize(packBlocks(frames[f++ % frames.size()]).data());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PackBlocks)->Arg(901)->Unit(benchmark::kMicrosecond);

} // namespace
