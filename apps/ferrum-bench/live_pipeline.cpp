#include "live_pipeline.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "ferrum/entity_group.h"
#include "ferrum/host.h"
#include "ferrum/memory_transport.h"
#include "ferrum/rigid_state.h"
#include "wire/messages.h"

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

/// Every block the client applies, checked against what the authority packed at the
/// tick the block says it was packed at: the pipeline records the authority's states
/// per server tick, and the client's cubes report each state they apply.
class ApplyCheck {
public:
  /// The server ran up to `tick`; every tick since the last call packed `states`.
  void record(uint32_t tick, const std::vector<CubeState>& states) {
    if (!m_any) m_last = tick - 1;
    m_any = true;
    for (; m_last != tick; ++m_last) m_byTick.emplace_back(m_last + 1, states);
    // A block is applied a few ticks after it was packed (latency, the send interval);
    // ten seconds of history is far more than any run needs.
    while (m_byTick.size() > 600) m_byTick.pop_front();
  }
  /// The client applied `state` for object `index`, packed at `serverTime` (s).
  void applied(uint32_t index, double serverTime, const CubeState& state) {
    ++blocks;
    const auto tick = static_cast<uint32_t>(std::llround(serverTime * 60.0));
    const auto at = std::find_if(m_byTick.begin(), m_byTick.end(), [&](const auto& t) { return t.first == tick; });
    if (at == m_byTick.end() || index >= at->second.size()) ++unrecorded;
    else if (!(at->second[index] == state)) ++mismatches;
  }
  uint64_t blocks = 0;     ///< blocks applied and checked
  uint64_t mismatches = 0; ///< ... that differ from the authority's state at their tick
  uint64_t unrecorded = 0; ///< ... whose tick was not recorded (cannot be checked: counted as wrong)

private:
  bool m_any = false;
  uint32_t m_last = 0;
  std::deque<std::pair<uint32_t, std::vector<CubeState>>> m_byTick;
};

/// A CubeState as a RigidBodyController at recordedPrecision() packs a pose (80 bits:
/// position x, y, z, then the "smallest three" orientation, then the at-rest flag =
/// not interacting), so the fields are the challenge layout's in another order and the
/// spawn baseline (net/spawn_baseline.h) of a cube is its block until it moves.
template <class S>
bool serializeRecorded(S& s, CubeState& c) {
  s.serializeInt(c.x, kPosXYMin, kPosXYMax);
  s.serializeInt(c.y, kPosXYMin, kPosXYMax);
  s.serializeInt(c.z, kPosZMin, kPosZMax);
  s.serializeUint(c.largest, 0, 3);
  s.serializeUint(c.a, 0, kOrientationMax);
  s.serializeUint(c.b, 0, kOrientationMax);
  s.serializeUint(c.c, 0, kOrientationMax);
  bool atRest = !c.interacting;
  s.serializeBool(atRest);
  if constexpr (S::kReading) c.interacting = !atRest;
  return s.ok();
}

const FieldLayout& recordedLayout() {
  static const FieldLayout layout = rigidStateLayout(recordedPrecision());
  return layout;
}

/// What the client's transport delivers, taken apart: state packet headers, block
/// framing (id, length and coding codes, the baseline reference included), payloads
/// by coding, and the reliable messages. Split at start-up (the join) and after it.
class WireTally final : public Transport {
public:
  struct Part {
    uint64_t statePackets = 0, headerBits = 0, framingBits = 0, referenceBits = 0, endBits = 0;
    uint64_t wholeBlocks = 0, wholeBits = 0, deltaBlocks = 0, deltaBits = 0, spawnDeltaBlocks = 0, spawnDeltaBits = 0;
    uint64_t spawnMessages = 0, spawnBytes = 0, otherReliableBytes = 0;
    nlohmann::json json() const {
      return {{"state_packets", statePackets},    {"header_bits", headerBits},
              {"framing_bits", framingBits},      {"of_which_reference_bits", referenceBits},
              {"end_and_padding_bits", endBits},  {"whole_blocks", wholeBlocks},
              {"whole_payload_bits", wholeBits},  {"delta_blocks", deltaBlocks},
              {"delta_payload_bits", deltaBits},  {"spawn_delta_blocks", spawnDeltaBlocks},
              {"spawn_delta_payload_bits", spawnDeltaBits}, {"spawn_messages", spawnMessages},
              {"spawn_bytes", spawnBytes},        {"other_reliable_bytes", otherReliableBytes}};
    }
  };
  explicit WireTally(Transport& inner) : m_inner(inner) {}
  /// How blocks sent without a length are read: by the client's copies' layouts.
  wire::DelimitLayout layoutOf;
  bool service(TransportEvent& event, uint32_t timeoutMs) override {
    if (!m_inner.service(event, timeoutMs)) return false;
    if (event.type == TransportEvent::Type::Received && counting) tally(event);
    return true;
  }
  void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) override { m_inner.send(link, channel, bytes); }
  LinkId connect(const std::string& host, uint16_t port, uint32_t data) override { return m_inner.connect(host, port, data); }
  void disconnect(LinkId link, uint32_t reason) override { m_inner.disconnect(link, reason); }
  void flush() override { m_inner.flush(); }
  LinkStats stats(LinkId link) const override { return m_inner.stats(link); }

  bool steady = false;  ///< after start-up: counted in `after`
  bool counting = true; ///< false: the drain after the last frame (not in the figures)
  Part join, after;

private:
  void tally(const TransportEvent& event) {
    Part& p = steady ? after : join;
    if (event.channel == Channel::Reliable) {
      const bool spawn = !event.payload.empty() && (event.payload[0] & 0xF) == static_cast<uint8_t>(wire::MessageType::Spawn);
      (spawn ? p.spawnBytes : p.otherReliableBytes) += event.payload.size();
      p.spawnMessages += spawn;
      return;
    }
    wire::StatePacket packet;
    if (wire::readStatePacket(event.payload, packet, layoutOf) != wire::PacketRead::Ok) return;
    ++p.statePackets;
    MeasureStream header;
    packet.header.serialize(header);
    p.headerBits += header.bits();
    uint64_t used = header.bits();
    wire::BlockContext context;
    for (const wire::StateBlock& b : packet.blocks) {
      const size_t bits = wire::measureBlock(b, context);
      wire::StateBlock asWhole = b;
      asWhole.baselineAge = 0;
      p.framingBits += bits - b.bits;
      p.referenceBits += bits - wire::measureBlock(asWhole, context) + 1;
      used += bits;
      if (b.baselineAge == 0) ++p.wholeBlocks, p.wholeBits += b.bits;
      else if (b.baselineAge == wire::kSpawnBaseline) ++p.spawnDeltaBlocks, p.spawnDeltaBits += b.bits;
      else ++p.deltaBlocks, p.deltaBits += b.bits;
      context = wire::contextAfter(b);
    }
    p.endBits += event.payload.size() * 8 - used;
  }
  Transport& m_inner;
};

/// One object of the frame source. The authority packs the frame's quantized state
/// (serializeRecorded, 80 bits) and declares the fields, so the live path codes it
/// field by field; receivers keep what they read, to be checked.
class RecordedCube final : public Controller {
public:
  RecordedCube(const std::vector<CubeState>* frame, uint32_t index, ApplyCheck* check)
      : m_frame(frame), m_index(index), m_check(check) {}

  void serverUpdate(WriteStream& out) const override {
    CubeState s = (*m_frame)[m_index];
    serializeRecorded(out, s);
  }
  bool clientUpdate(const ReadStream* data, const UpdateContext& ctx) override {
    if (!data) return true;
    ReadStream in = *data;
    CubeState s;
    if (!serializeRecorded(in, s) || in.bitsRemaining() != 0) return false;
    held = s;
    has = true;
    if (m_check) m_check->applied(m_index, ctx.serverTime, s);
    return true;
  }
  const FieldLayout* fieldLayout() const override { return &recordedLayout(); }

  CubeState held;
  bool has = false;

private:
  const std::vector<CubeState>* m_frame;
  uint32_t m_index;
  ApplyCheck* m_check; ///< the client's cubes only
};

class LivePipeline final : public Pipeline {
public:
  LivePipeline(int pps, const AckModel& acks, size_t maxPacketBytes, double budgetKbps, bool optimistic)
      : Pipeline("ferrum live", pps), m_budgetKbps(budgetKbps),
        m_optimistic(optimistic) {
    // A packet's ack comes back with the client's next state packet: about two
    // one-way trips. The latency makes the sender's baseline that many frames old.
    LinkConditions link;
    link.latencyMs = static_cast<float>(std::max(0, acks.baselineAgeFrames - 1) * 1000.0 / 60.0 / 2.0);
    LinkConditions ackLoss = link;
    ackLoss.loss = static_cast<float>(acks.ackLoss);
    m_server = host(Role::Server, pps, maxPacketBytes, link, ackLoss, 1);
    m_client = host(Role::Client, pps, maxPacketBytes, link, {}, 2, &m_tally);
    m_client->connect("mem", 1);
    // The tally reads each packet before the client does, by the same layouts (the
    // client has read every spawn before a block without a length can name it).
    m_tally.layoutOf = [this](const wire::StateHeader&, EntityId id) -> const FieldLayout* {
      const Entity* e = m_client->group().find(id);
      return e ? e->controller().fieldLayout() : nullptr;
    };
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
    m_check.record(m_server->net().tick(), m_states);
    m_client->frame(m_now);
    if (m_started) ++m_framesChecked; // every block this frame applied was checked
    const uint64_t received = m_client->net().stats().counters.bytesReceived;
    const long every = std::max(1L, 60L / m_stats.packetsPerSecond);
    m_frameBytes += received - m_lastReceived;
    m_lastReceived = received;
    if (!m_started && m_spawned && m_client->group().size() == f.states.size()) {
      m_started = true;
      m_tally.steady = true;
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
    m_tally.counting = false;
    for (int i = 0; i < 600; ++i) {
      m_now += 1.0 / 60;
      m_server->frame(m_now);
      m_check.record(m_server->net().tick(), m_states);
      m_client->frame(m_now);
    }
    m_stats.mismatches += m_check.mismatches + m_check.unrecorded;
    for (size_t i = 0; i < m_ids.size(); ++i)
      if (!copy(i) || !copy(i)->has || !(copy(i)->held == m_states[i])) ++m_stats.mismatches;
    const NetCounters c = m_client->net().stats().counters;
    m_stats.missingBaselines = c.baselineMismatches;
    m_stats.mismatches += c.malformedBlocks;
    deltaBlocks = c.deltaBlocksReceived;
    spawnDeltaBlocks = c.spawnDeltaBlocks;
    blocksApplied = c.blocksApplied;
  }

  uint64_t joinBurstBytes = 0, deltaBlocks = 0, spawnDeltaBlocks = 0, blocksApplied = 0;
  void report(nlohmann::json& j) const override {
    j["join_burst_bytes"] = joinBurstBytes;
    j["delta_blocks"] = deltaBlocks;
    j["spawn_delta_blocks"] = spawnDeltaBlocks;
    j["blocks_applied"] = blocksApplied;
    // Exactness on every apply, not only after the drain: each applied block against
    // the authority's state at the tick it was packed.
    j["frames_checked"] = m_framesChecked;
    j["blocks_checked"] = m_check.blocks;
    j["block_mismatches"] = m_check.mismatches;
    j["blocks_unrecorded"] = m_check.unrecorded;
    j["wire_join"] = m_tally.join.json();
    j["wire_after_join"] = m_tally.after.json();
  }

protected:
  void packet(const Frame&, long) override {}

private:
  std::unique_ptr<Host> host(Role role, int pps, size_t maxPacketBytes, LinkConditions out, LinkConditions in,
                             uint16_t port, Transport* transport = nullptr) {
    HostDef def;
    def.net.role = role;
    def.net.sendHz = pps;
    def.net.maxPacketBytes = maxPacketBytes;
    def.net.budgetKbps = static_cast<float>(m_budgetKbps);
    def.net.optimisticBaselines = m_optimistic;
    if (transport) def.transport = transport; // the endpoint, through the tally
    else def.memoryNetwork = &m_network;
    def.memoryPort = port;
    def.outgoing = out;
    def.incoming = in;
    def.simulateLink = true;
    def.clock = [this] { return m_now; };
    EntityType t;
    t.name = "recorded cube";
    t.statePrecision = &recordedPrecision();
    const std::vector<CubeState>* states = &m_states;
    ApplyCheck* check = role == Role::Client ? &m_check : nullptr;
    t.build = [states, check](const SpawnState& s) {
      EntityParts p;
      p.body.mass = 0; // the recording moves it, not physics
      p.controller = std::make_unique<RecordedCube>(states, s.variant, check);
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
  bool m_optimistic;
  ApplyCheck m_check;
  uint64_t m_framesChecked = 0;
  MemoryNetwork m_network;
  WireTally m_tally{m_network.endpoint(2)};
  double m_now = 0;
  std::vector<CubeState> m_states;
  std::unique_ptr<Host> m_server, m_client;
  std::vector<EntityId> m_ids;
  bool m_spawned = false, m_started = false;
  uint64_t m_lastReceived = 0, m_frameBytes = 0, m_burstSoFar = 0;
};

} // namespace

std::unique_ptr<Pipeline> makeLivePipeline(int packetsPerSecond, const AckModel& acks, size_t maxPacketBytes,
                                           double budgetKbps, bool optimistic) {
  return std::make_unique<LivePipeline>(packetsPerSecond, acks, maxPacketBytes, budgetKbps, optimistic);
}

} // namespace ferrum::bench
