#include "pipelines.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <random>

#include "delta_parts.h"
#include "delta_symbols.h"
#include "ferrum/bit_stream.h"
#include "net/baseline_store.h"
#include "net/delta_sender.h"
#include "wire/exp_golomb.h"
#include "wire/field_delta.h"
#include "wire/messages.h"

namespace ferrum::bench {

namespace {

using Clock = std::chrono::steady_clock;
double microsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

/// Angle between two rotations, in double so tiny errors are not lost to acos.
double angleError(Quat a, Quat b) {
  // r = conj(a) * b; angle = 2 atan2(|r.xyz|, |r.w|)
  const double ax = -a.x, ay = -a.y, az = -a.z, aw = a.w;
  const double rx = aw * b.x + ax * b.w + ay * b.z - az * b.y;
  const double ry = aw * b.y - ax * b.z + ay * b.w + az * b.x;
  const double rz = aw * b.z + ax * b.y - ay * b.x + az * b.w;
  const double rw = aw * b.w - ax * b.x - ay * b.y - az * b.z;
  return 2.0 * std::atan2(std::sqrt(rx * rx + ry * ry + rz * rz), std::fabs(rw));
}

// ------------------------------------------------------------ (a) the seed's format

/// The seed's format: per object, type (1 byte), id (1 byte), float32 x3 position,
/// int16 x4 orientation, zlib over the datagram. The seed's NetManager has every
/// controller pack its state into every broadcast (seed text; DESIGN.md, "whole state
/// every packet"), so `EveryObject` sends all objects each packet. `ChangedOnly` is a
/// stronger variant the seed never had: only objects whose state differs from the
/// previous packet (a delta against the last packet, with no acks). With 901 objects
/// a 1-byte id cannot name them all: we keep the seed's 22 bytes and let the decoder
/// learn the indices out of band, which flatters both by a byte per object.
class SeedPipeline final : public Pipeline {
public:
  SeedPipeline(int pps, SeedVariant variant)
      : Pipeline(variant == SeedVariant::EveryObject ? "seed (zlib)" : "seed changed-only", pps), m_variant(variant) {}

protected:
  void packet(const Frame& f, long) override {
    const auto t0 = Clock::now();
    std::vector<uint32_t> moving;
    for (uint32_t i = 0; i < f.states.size(); ++i)
      if (m_variant == SeedVariant::EveryObject || m_prev.size() != f.states.size() || !(m_prev[i] == f.states[i]))
        moving.push_back(i);
    std::vector<uint8_t> raw;
    raw.reserve(moving.size() * 22);
    for (uint32_t i : moving) {
      const Transform& t = f.poses[i];
      raw.push_back(1);
      raw.push_back(static_cast<uint8_t>(i & 0xFF));
      for (float v : {t.position.x, t.position.y, t.position.z}) putLe(raw, std::bit_cast<uint32_t>(v), 4);
      for (float v : {t.orientation.x, t.orientation.y, t.orientation.z, t.orientation.w})
        putLe(raw, static_cast<uint16_t>(static_cast<int16_t>(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767))), 2);
    }
    uLongf packedLen = compressBound(static_cast<uLong>(raw.size()));
    std::vector<uint8_t> packed(packedLen);
    compress2(packed.data(), &packedLen, raw.data(), static_cast<uLong>(raw.size()), Z_DEFAULT_COMPRESSION);
    packed.resize(packedLen);
    m_stats.encodeUs.push_back(microsSince(t0));
    m_prev = f.states;

    const auto t1 = Clock::now();
    std::vector<uint8_t> out(64 * 1024);
    uLongf outLen = static_cast<uLongf>(out.size());
    const bool ok = uncompress(out.data(), &outLen, packed.data(), packedLen) == Z_OK && outLen == raw.size();
    if (m_view.size() != f.states.size()) m_view.assign(f.states.size(), Transform{});
    for (size_t k = 0; ok && k < moving.size(); ++k) {
      const uint8_t* p = out.data() + k * 22 + 2;
      Transform& t = m_view[moving[k]];
      t.position = {std::bit_cast<float>(getLe(p, 4)), std::bit_cast<float>(getLe(p + 4, 4)),
                    std::bit_cast<float>(getLe(p + 8, 4))};
      float q[4];
      for (int c = 0; c < 4; ++c)
        q[c] = static_cast<float>(static_cast<int16_t>(getLe(p + 12 + 2 * c, 2))) / 32767.0f;
      const float len = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
      t.orientation = {q[0] / len, q[1] / len, q[2] / len, q[3] / len};
    }
    m_stats.decodeUs.push_back(microsSince(t1));
    if (!ok || std::memcmp(out.data(), raw.data(), raw.size()) != 0) ++m_stats.mismatches;
    m_stats.bits.push_back(static_cast<double>(packed.size() * 8));
    m_stats.maxBytes = std::max(m_stats.maxBytes, packed.size());
    measureErrors(f, m_view, std::vector<uint8_t>(f.states.size(), 1));
  }

private:
  static void putLe(std::vector<uint8_t>& out, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  static uint32_t getLe(const uint8_t* p, int bytes) {
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint32_t{p[i]} << (8 * i);
    return v;
  }
  SeedVariant m_variant;
  std::vector<CubeState> m_prev;
  std::vector<Transform> m_view;
};

// ---------------------------------------------------------- (b) full quantized states

class FullPipeline final : public Pipeline {
public:
  explicit FullPipeline(int pps) : Pipeline("full quantized", pps) {}

protected:
  void packet(const Frame& f, long) override {
    const auto t0 = Clock::now();
    WriteStream out(64 * 1024);
    uint32_t seq = m_sequence++ & 0xFFFF, count = static_cast<uint32_t>(f.states.size());
    out.serializeBits(seq, 16);
    out.serializeUint(count, 0, 4096);
    for (const CubeState& s : f.states) {
      CubeState c = s;
      serializeCube(out, c);
    }
    const std::vector<uint8_t> bytes = out.take();
    m_stats.encodeUs.push_back(microsSince(t0));

    const auto t1 = Clock::now();
    ReadStream in(bytes);
    in.serializeBits(seq, 16);
    in.serializeUint(count, 0, 4096);
    std::vector<CubeState> decoded(in.ok() ? count : 0);
    for (CubeState& s : decoded) serializeCube(in, s);
    m_stats.decodeUs.push_back(microsSince(t1));
    if (!in.ok() || decoded != f.states) ++m_stats.mismatches;
    m_stats.bits.push_back(static_cast<double>(bytes.size() * 8));
    m_stats.maxBytes = std::max(m_stats.maxBytes, bytes.size());
    std::vector<Transform> view(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i) view[i] = dequantizeCube(decoded[i]);
    measureErrors(f, view, std::vector<uint8_t>(view.size(), 1));
  }

private:
  uint32_t m_sequence = 0;
};

// ------------------------------------- (c) the live codec alone, without NetManager

/// The live path's codec with nothing around it: DeltaSender::select (acks, field
/// deltas against the acknowledged block, priority accumulator, byte cap), the state
/// packet's real header and chained block framing (wire::writeBlock, deltas without a
/// length), and on the other
/// side wire::readStatePacket plus wire::readFieldDelta against a BaselineStore, as
/// NetManager does them. Acks come back after `--baseline-age` frames. What NetManager
/// adds (join burst, refreshes, per-link header fields) is in the "ferrum live" row.
class FieldsPipeline final : public Pipeline {
public:
  FieldsPipeline(int pps, const AckModel& acks, size_t maxPacketBytes)
      : Pipeline("ferrum fields", pps), m_acks(acks), m_rng(acks.seed), m_sender(0, DeltaSender::Framing::Chained),
        m_cap(maxPacketBytes) {
    // As NetManager: an unchanged block in flight waits about an ack's way (1.25 ×
    // the ack age plus two send intervals) before it is sent again.
    const long every = std::max(1, 60 / pps);
    m_sender.setResendTicks(static_cast<uint32_t>(acks.baselineAgeFrames * 5 / 4 + 2 * every));
  }

protected:
  void packet(const Frame& f, long index) override {
    while (!m_inFlight.empty() && m_inFlight.front().arrival <= index) {
      m_sender.onAck(m_inFlight.front().sequence, 0);
      m_inFlight.pop_front();
    }
    const uint32_t count = static_cast<uint32_t>(f.states.size());
    if (m_blocks.size() != count) {
      m_blocks.assign(count, wire::StateBlock{});
      m_held.assign(count, CubeState{});
      m_has.assign(count, 0);
    }
    for (uint32_t i = 0; i < count; ++i) { // what each entity's controller would pack
      WriteStream w(16);
      CubeState c = f.states[i];
      serializeCube(w, c);
      m_blocks[i].id = EntityId::make(kServerPeer, i + 1);
      m_blocks[i].bits = static_cast<uint32_t>(w.bits());
      m_blocks[i].payload = w.take();
    }

    const auto t0 = Clock::now();
    const uint16_t sequence = m_sequence++;
    wire::StateHeader header;
    header.sequence = sequence;
    header.senderTick = header.originTick = static_cast<uint32_t>(index);
    WriteStream out(m_cap + 64);
    header.serialize(out);
    const size_t budget = m_cap * 8 - out.bits() - 1; // the end bit
    const auto chosen = m_sender.select(
        m_blocks, [](EntityId) { return 1.0f; }, budget, static_cast<uint32_t>(index), sequence,
        [](EntityId) { return &cubeLayout(); });
    // The receiver holds every object from the start (there are no spawns here): a
    // delta goes without its length, read by the layout, as NetManager sends it once
    // a receiver acknowledged the spawn (a whole block has a tail: it keeps it).
    wire::BlockContext context;
    for (const wire::StateBlock* b : chosen) wire::writeBlock(out, *b, context, b->baselineAge != 0);
    wire::writeEnd(out);
    m_sender.recordSent(sequence, chosen, static_cast<uint32_t>(index));
    const std::vector<uint8_t> bytes = out.take();
    m_stats.encodeUs.push_back(microsSince(t0));

    const auto t1 = Clock::now();
    const bool ok = decode(bytes, f);
    m_previousStates = f.states;
    m_stats.decodeUs.push_back(microsSince(t1));
    m_stats.bits.push_back(static_cast<double>(bytes.size() * 8));
    m_stats.maxBytes = std::max(m_stats.maxBytes, bytes.size());
    if (bytes.size() > m_cap) ++m_stats.overCap;
    if (!ok) {
      ++m_stats.mismatches;
      return;
    }
    // What the receiver holds must be what the sender sent: every chosen block's
    // entity now equals this frame's state.
    for (const wire::StateBlock* b : chosen) {
      const uint32_t i = b->id.counter() - 1;
      if (!m_has[i] || !(m_held[i] == f.states[i])) ++m_stats.mismatches;
    }
    // The very first ack comes back at once, as in the reference figures ("the first
    // N frames against frame 0"); every later one after the baseline age.
    const long delay = m_first ? 1 : m_acks.baselineAgeFrames;
    m_first = false;
    if (std::uniform_real_distribution<double>(0, 1)(m_rng) >= m_acks.ackLoss) m_inFlight.push_back({index + delay, sequence});
    std::vector<Transform> view(count);
    std::vector<uint8_t> fresh(count, 0);
    for (uint32_t i = 0; i < count; ++i) {
      if (m_has[i]) view[i] = dequantizeCube(m_held[i]);
      fresh[i] = m_has[i] && m_held[i] == f.states[i];
      if (!fresh[i]) m_stats.staleObjectsSum += 1;
    }
    measureErrors(f, view, m_has, &fresh);
  }

private:
  /// The receiving half, as NetManager reads a state packet. False on anything it
  /// could not decode (a bench failure, never expected).
  bool decode(const std::vector<uint8_t>& bytes, const Frame& f) {
    wire::StatePacket packet;
    const wire::DelimitLayout layoutOf = [](const wire::StateHeader&, EntityId) { return &cubeLayout(); };
    if (wire::readStatePacket(bytes, packet, layoutOf) != wire::PacketRead::Ok) return false;
    const uint16_t sequence = packet.header.sequence;
    wire::BlockContext context;
    for (const wire::StateBlock& b : packet.blocks) {
      const uint32_t i = b.id.counter() - 1;
      if (b.id.creator() != kServerPeer || i >= m_held.size()) return false;
      countParts(b, context, f, i);
      std::vector<uint8_t> whole = b.payload;
      uint32_t wholeBits = b.bits;
      if (b.baselineAge != 0) {
        const uint16_t baseSequence = static_cast<uint16_t>(sequence - b.baselineAge);
        const BaselineStore::Entry* base = m_store.find(b.id, baseSequence);
        if (!base) {
          ++m_stats.missingBaselines;
          return false;
        }
        WriteStream full(wire::kMaxBlockBits / 8);
        if (!m_store.rebuild(b.id, sequence, b.baselineAge, cubeLayout(), b.payload.data(), b.bits, full))
          return false;
        wholeBits = static_cast<uint32_t>(full.bits());
        whole = full.take();
        base = m_store.find(b.id, baseSequence); // rebuild() keeps it (it drops only older ones)
        m_symbols.add(base->payload.data(), base->bits, whole.data(), wholeBits, b.bits);
      } else {
        m_symbols.addWhole(b.bits);
      }
      m_store.store(b.id, sequence, wholeBits, whole);
      ReadStream in(whole.data(), wholeBits);
      CubeState c;
      if (!serializeCube(in, c) || in.bitsRemaining() != 0) return false;
      m_held[i] = c;
      m_has[i] = 1;
    }
    MeasureStream header;
    packet.header.serialize(header);
    m_symbols.endPacket(bytes.size() * 8, header.bits());
    m_parts.endPacket(bytes.size() * 8, header.bits());
    return true;
  }

  /// The block's share of DeltaParts, before the receiver applies it.
  void countParts(const wire::StateBlock& b, wire::BlockContext& context, const Frame& f, uint32_t i) {
    const CubeState& now = f.states[i];
    DeltaParts::Kind kind = DeltaParts::Moving;
    if (m_has[i] && m_held[i] == now) kind = DeltaParts::Resend;
    else if (now.interacting) kind = DeltaParts::Pushed;
    else if (i < m_previousStates.size() && m_previousStates[i] == now) kind = DeltaParts::Settled;
    const size_t framed = wire::measureBlock(b, context, b.selfDelimited) - b.bits;
    const bool relative = b.id.creator() == context.previous.creator() && b.id.counter() > context.previous.counter();
    const size_t idBits = relative ? wire::expGolombBits(b.id.counter() - context.previous.counter(), wire::kIdGapOrder)
                                   : 1 + wire::kIdGapOrder + 8 + 24;
    m_parts.add(kind, idBits, framed - idBits, b.payload.data(), b.bits, b.baselineAge);
    context = wire::contextAfter(b);
  }

public:
  void report(nlohmann::json& j) const override {
    j["delta_symbols"] = m_symbols.report();
    j["delta_parts"] = m_parts.report();
  }

private:

  struct InFlight {
    long arrival;
    uint16_t sequence;
  };
  AckModel m_acks;
  std::mt19937 m_rng;
  DeltaSender m_sender;
  BaselineStore m_store;
  DeltaSymbols m_symbols{cubeLayout()};
  DeltaParts m_parts{cubeLayout()};
  std::vector<CubeState> m_previousStates;
  size_t m_cap;
  uint16_t m_sequence = 0;
  std::vector<wire::StateBlock> m_blocks;
  std::vector<CubeState> m_held;
  std::vector<uint8_t> m_has;
  std::deque<InFlight> m_inFlight;
  bool m_first = true;
};

} // namespace

void Pipeline::frame(const Frame& f, long index) {
  const long every = std::max(1L, 60L / m_stats.packetsPerSecond);
  m_stats.objects = f.states.size();
  if (index % every == 0) packet(f, index);
}

void Pipeline::measureErrors(const Frame& f, const std::vector<Transform>& view, const std::vector<uint8_t>& held,
                             const std::vector<uint8_t>* fresh) {
  for (size_t i = 0; i < f.poses.size() && i < view.size(); ++i) {
    if (i >= held.size() || !held[i]) continue;
    const double pos = distance(view[i].position, f.poses[i].position);
    const double ori = angleError(view[i].orientation, f.poses[i].orientation);
    m_stats.maxPositionError = std::max(m_stats.maxPositionError, pos);
    m_stats.maxOrientationError = std::max(m_stats.maxOrientationError, ori);
    if (fresh && !(*fresh)[i]) continue;
    m_stats.maxFreshPositionError = std::max(m_stats.maxFreshPositionError, pos);
    m_stats.maxFreshOrientationError = std::max(m_stats.maxFreshOrientationError, ori);
  }
}

std::unique_ptr<Pipeline> makeSeedPipeline(int pps, SeedVariant variant) {
  return std::make_unique<SeedPipeline>(pps, variant);
}
std::unique_ptr<Pipeline> makeFullPipeline(int pps) { return std::make_unique<FullPipeline>(pps); }
std::unique_ptr<Pipeline> makeFieldsPipeline(int pps, const AckModel& acks, size_t maxPacketBytes) {
  return std::make_unique<FieldsPipeline>(pps, acks, maxPacketBytes);
}

} // namespace ferrum::bench
