#include "pipelines.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <random>

#include "ferrum/bit_stream.h"

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
  std::vector<snapshot::CubeState> m_prev;
  std::vector<Transform> m_view;
};

// ------------------------------------------------------ (b) full quantized snapshots

class FullPipeline final : public Pipeline {
public:
  explicit FullPipeline(int pps) : Pipeline("full quantized", pps) {}

protected:
  void packet(const Frame& f, long) override {
    namespace sw = snapshot;
    const auto t0 = Clock::now();
    WriteStream out(64 * 1024);
    uint32_t seq = m_sequence++ & 0xFFFF, count = static_cast<uint32_t>(f.states.size());
    out.serializeBits(seq, 16);
    out.serializeUint(count, 0, 4096);
    for (const sw::CubeState& s : f.states) {
      sw::CubeState c = s;
      fullState(out, c);
    }
    const std::vector<uint8_t> bytes = out.take();
    m_stats.encodeUs.push_back(microsSince(t0));

    const auto t1 = Clock::now();
    ReadStream in(bytes);
    in.serializeBits(seq, 16);
    in.serializeUint(count, 0, 4096);
    std::vector<sw::CubeState> decoded(in.ok() ? count : 0);
    for (sw::CubeState& s : decoded) fullState(in, s);
    m_stats.decodeUs.push_back(microsSince(t1));
    if (!in.ok() || decoded != f.states) ++m_stats.mismatches;
    m_stats.bits.push_back(static_cast<double>(bytes.size() * 8));
    m_stats.maxBytes = std::max(m_stats.maxBytes, bytes.size());
    std::vector<Transform> view(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i) view[i] = sw::dequantizeCube(decoded[i]);
    measureErrors(f, view, std::vector<uint8_t>(view.size(), 1));
  }

private:
  template <class S>
  static void fullState(S& s, snapshot::CubeState& c) {
    s.serializeUint(c.largest, 0, 3);
    s.serializeUint(c.a, 0, snapshot::kOrientationMax);
    s.serializeUint(c.b, 0, snapshot::kOrientationMax);
    s.serializeUint(c.c, 0, snapshot::kOrientationMax);
    s.serializeInt(c.x, snapshot::kPosXYMin, snapshot::kPosXYMax);
    s.serializeInt(c.y, snapshot::kPosXYMin, snapshot::kPosXYMax);
    s.serializeInt(c.z, snapshot::kPosZMin, snapshot::kPosZMax);
    s.serializeBool(c.interacting);
  }
  uint32_t m_sequence = 0;
};

// ------------------------------------------------------- (c) ferrum's delta encoder

class FerrumPipeline final : public Pipeline {
public:
  FerrumPipeline(int pps, const AckModel& acks, const snapshot::SnapshotConfig& config)
      : Pipeline("ferrum delta", pps), m_acks(acks), m_rng(acks.seed), m_sender(config), m_receiver(config),
        m_cap(config.maxPacketBytes) {}

protected:
  void packet(const Frame& f, long index) override {
    while (!m_inFlight.empty() && m_inFlight.front().arrival <= index) {
      m_sender.onAck(m_inFlight.front().sequence);
      m_inFlight.pop_front();
    }
    snapshot::EncodeInfo info;
    const auto t0 = Clock::now();
    const std::vector<uint8_t> bytes = m_sender.encode(f.states, &info);
    m_stats.encodeUs.push_back(microsSince(t0));
    if (bytes.empty()) { // budget could not pay for a header: nothing sent
      m_stats.bits.push_back(0);
      return;
    }
    const auto t1 = Clock::now();
    const snapshot::DecodeResult r = m_receiver.decode(bytes);
    m_stats.decodeUs.push_back(microsSince(t1));
    m_stats.bits.push_back(static_cast<double>(bytes.size() * 8));
    m_stats.maxBytes = std::max(m_stats.maxBytes, bytes.size());
    if (bytes.size() > m_cap) ++m_stats.overCap;
    if (r.status == snapshot::DecodeStatus::MissingBaseline) ++m_stats.missingBaselines;
    const snapshot::Snapshot* meant = m_sender.sentSnapshot(info.sequence);
    if (r.status != snapshot::DecodeStatus::Ok || !meant || r.snapshot->objects != meant->objects ||
        r.snapshot->known != meant->known) {
      ++m_stats.mismatches;
      return;
    }
    // The very first ack comes back at once, as in the reference figures ("the first
    // N frames against frame 0"); every later one after the baseline age.
    const long delay = m_first ? 1 : m_acks.baselineAgeFrames;
    m_first = false;
    if (std::uniform_real_distribution<double>(0, 1)(m_rng) >= m_acks.ackLoss)
      m_inFlight.push_back({index + delay, info.sequence});
    std::vector<Transform> view(r.snapshot->size());
    for (size_t i = 0; i < view.size(); ++i)
      if (r.snapshot->has(i)) view[i] = snapshot::dequantizeCube(r.snapshot->objects[i]);
    std::vector<uint8_t> fresh(f.states.size(), 0);
    for (size_t i = 0; i < f.states.size(); ++i) {
      fresh[i] = r.snapshot->has(i) && r.snapshot->objects[i] == f.states[i];
      if (!fresh[i]) m_stats.staleObjectsSum += 1;
    }
    measureErrors(f, view, r.snapshot->known, &fresh);
  }

private:
  struct InFlight {
    long arrival;
    uint16_t sequence;
  };
  AckModel m_acks;
  std::mt19937 m_rng;
  snapshot::SnapshotSender m_sender;
  snapshot::SnapshotReceiver m_receiver;
  size_t m_cap;
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
std::unique_ptr<Pipeline> makeFerrumPipeline(int pps, const AckModel& acks, const snapshot::SnapshotConfig& config) {
  return std::make_unique<FerrumPipeline>(pps, acks, config);
}

} // namespace ferrum::bench
