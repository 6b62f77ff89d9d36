#include "live_pipeline.h"

#include <algorithm>

#include "ferrum/entity_group.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"

namespace ferrum::bench {
namespace {

constexpr EntityTypeId kRecordedCube = 1;

/// The challenge layout as a RigidQuantization (x, y in ±256 m and z in 0..32 m at
/// 1/512 m, 9-bit smallest three, no velocities), so the join burst's spawns carry
/// each cube at the precision of its blocks, as a game's types do.
const RigidQuantization& recordedPrecision() {
  static const RigidQuantization q = [] {
    RigidQuantization p;
    const float unit = 1.0f / kUnitsPerMetre;
    p.positionX = {kPosXYMin * unit, kPosXYMax * unit, unit};
    p.positionY = p.positionX;
    p.positionZ = {kPosZMin * unit, kPosZMax * unit, unit};
    p.orientationBits = kOrientationBits;
    p.velocities = false;
    return p;
  }();
  return q;
}

/// One object of the frame source. The authority packs the frame's quantized state as
/// it is (the challenge layout, 80 bits) and declares the fields, so the live path
/// codes it field by field; receivers keep what they read, to be checked.
class RecordedCube final : public Controller {
public:
  RecordedCube(const std::vector<CubeState>* frame, uint32_t index) : m_frame(frame), m_index(index) {}

  void serverUpdate(WriteStream& out) const override {
    CubeState s = (*m_frame)[m_index];
    serializeCube(out, s);
  }
  bool clientUpdate(const ReadStream* data, const UpdateContext&) override {
    if (!data) return true;
    ReadStream in = *data;
    CubeState s;
    if (!serializeCube(in, s) || in.bitsRemaining() != 0) return false;
    held = s;
    has = true;
    return true;
  }
  const FieldLayout* fieldLayout() const override { return &cubeLayout(); }

  CubeState held;
  bool has = false;

private:
  const std::vector<CubeState>* m_frame;
  uint32_t m_index;
};

class LivePipeline final : public Pipeline {
public:
  LivePipeline(int pps, const AckModel& acks, size_t maxPacketBytes, double budgetKbps)
      : Pipeline("ferrum live", pps), m_budgetKbps(budgetKbps) {
    // A packet's ack comes back with the client's next state packet: about two
    // one-way trips. The latency makes the sender's baseline that many frames old.
    LinkConditions link;
    link.latencyMs = static_cast<float>(std::max(0, acks.baselineAgeFrames - 1) * 1000.0 / 60.0 / 2.0);
    LinkConditions ackLoss = link;
    ackLoss.loss = static_cast<float>(acks.ackLoss);
    m_server = host(Role::Server, pps, maxPacketBytes, link, ackLoss, 1);
    m_client = host(Role::Client, pps, maxPacketBytes, link, {}, 2);
    m_client->connect("mem", 1);
  }

  void frame(const Frame& f, long index) override {
    m_stats.objects = f.states.size();
    m_states = f.states;
    if (!m_spawned && m_server->net().stats().peers.size() == 1) {
      for (uint32_t i = 0; i < f.states.size(); ++i) {
        SpawnState s;
        s.transform = dequantizeCube(f.states[i]);
        s.variant = i;
        m_ids.push_back(m_server->net().spawn(kRecordedCube, s));
      }
      m_spawned = true;
    }
    m_now += 1.0 / 60;
    m_server->frame(m_now);
    m_client->frame(m_now);
    const uint64_t received = m_client->net().stats().counters.bytesReceived;
    const long every = std::max(1L, 60L / m_stats.packetsPerSecond);
    m_frameBytes += received - m_lastReceived;
    m_lastReceived = received;
    if (!m_started && m_spawned && m_client->group().size() == f.states.size()) {
      m_started = true;
      joinBurstBytes = m_frameBytes + m_burstSoFar;
    }
    if (index % every == 0) {
      m_stats.bits.push_back(static_cast<double>(m_frameBytes) * 8.0);
      m_stats.maxBytes = std::max(m_stats.maxBytes, m_server->net().stats().peers.empty()
                                                        ? size_t{0}
                                                        : static_cast<size_t>(m_server->net().stats().peers[0].largestStatePacket));
      if (!m_started) m_burstSoFar += m_frameBytes;
      m_frameBytes = 0;
    }
    // How many copies differ from this frame's state (staleness: latency, the cap).
    if (m_started) {
      size_t stale = 0;
      for (size_t i = 0; i < m_ids.size(); ++i) stale += !(copy(i) && copy(i)->has && copy(i)->held == f.states[i]);
      m_stats.staleObjectsSum += static_cast<double>(stale) / static_cast<double>(every);
    }
  }

  /// After the last frame: the link drains with the last state held, and every copy
  /// must then be exactly the authority's.
  void finish() override {
    for (int i = 0; i < 600; ++i) {
      m_now += 1.0 / 60;
      m_server->frame(m_now);
      m_client->frame(m_now);
    }
    for (size_t i = 0; i < m_ids.size(); ++i)
      if (!copy(i) || !copy(i)->has || !(copy(i)->held == m_states[i])) ++m_stats.mismatches;
    const NetCounters c = m_client->net().stats().counters;
    m_stats.missingBaselines = c.baselineMismatches;
    m_stats.mismatches += c.malformedBlocks;
    deltaBlocks = c.deltaBlocksReceived;
    blocksApplied = c.blocksApplied;
  }

  uint64_t joinBurstBytes = 0, deltaBlocks = 0, blocksApplied = 0;
  void report(nlohmann::json& j) const override {
    j["join_burst_bytes"] = joinBurstBytes;
    j["delta_blocks"] = deltaBlocks;
    j["blocks_applied"] = blocksApplied;
  }

protected:
  void packet(const Frame&, long) override {}

private:
  std::unique_ptr<Host> host(Role role, int pps, size_t maxPacketBytes, LinkConditions out, LinkConditions in,
                             uint16_t port) {
    HostDef def;
    def.net.role = role;
    def.net.sendHz = pps;
    def.net.maxPacketBytes = maxPacketBytes;
    def.net.budgetKbps = static_cast<float>(m_budgetKbps);
    def.memoryNetwork = &m_network;
    def.memoryPort = port;
    def.outgoing = out;
    def.incoming = in;
    def.simulateLink = true;
    def.clock = [this] { return m_now; };
    EntityType t;
    t.name = "recorded cube";
    t.statePrecision = &recordedPrecision();
    const std::vector<CubeState>* states = &m_states;
    t.build = [states](const SpawnState& s) {
      EntityParts p;
      p.body.mass = 0; // the recording moves it, not physics
      p.controller = std::make_unique<RecordedCube>(states, s.variant);
      return p;
    };
    def.types.add(kRecordedCube, t);
    std::string error;
    auto h = Host::create(std::move(def), error);
    if (!h) std::fprintf(stderr, "ferrum-bench: live pipeline: %s\n", error.c_str());
    return h;
  }
  RecordedCube* copy(size_t i) {
    Entity* e = m_client->group().find(m_ids[i]);
    return e ? static_cast<RecordedCube*>(&e->controller()) : nullptr;
  }

  double m_budgetKbps;
  MemoryNetwork m_network;
  double m_now = 0;
  std::vector<CubeState> m_states;
  std::unique_ptr<Host> m_server, m_client;
  std::vector<EntityId> m_ids;
  bool m_spawned = false, m_started = false;
  uint64_t m_lastReceived = 0, m_frameBytes = 0, m_burstSoFar = 0;
};

} // namespace

std::unique_ptr<Pipeline> makeLivePipeline(int packetsPerSecond, const AckModel& acks, size_t maxPacketBytes,
                                           double budgetKbps) {
  return std::make_unique<LivePipeline>(packetsPerSecond, acks, maxPacketBytes, budgetKbps);
}

} // namespace ferrum::bench
