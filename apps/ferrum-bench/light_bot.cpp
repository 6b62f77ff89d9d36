#include "light_bot.h"
#include "thread_cpu.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "ferrum/clock.h"
#include "ferrum/net_config.h"
#include "ferrum/rigid_state.h"
#include "game/player_controller.h"
#include "game/types.h"
#include "wire/message_batch.h"
#include "wire/messages.h"

#include <ctime>

#include <sys/resource.h>
#include <unistd.h>

namespace ferrum::bench {

namespace {

constexpr float kWalkSpeed = 3.0f; // m/s, as the circle: half the demo player's running speed

// The demo player's block (game/player_controller.cpp, docs/protocol.md "Block
// payloads"): its RigidState at the player's precision, then the input it steers by.
std::vector<uint8_t> playerPayload(const BotPose& pose, uint32_t& bits) {
  RigidState state;
  state.position = pose.position;
  state.linearVelocity = pose.velocity;
  const float speed = pose.velocity.length();
  float moveX = speed > 0 ? pose.velocity.x / game::kPlayerMaxSpeed : 0;
  float moveZ = speed > 0 ? pose.velocity.z / game::kPlayerMaxSpeed : 0;
  bool jump = false;
  const QuantRange axis{-1.0f, 1.0f, 1.0f / 127};
  WriteStream out(64);
  serializeRigidState(out, state, game::playerQuantization());
  serializeQuantized(out, moveX, axis);
  serializeQuantized(out, moveZ, axis);
  out.serializeBool(jump);
  bits = static_cast<uint32_t>(out.bits());
  return out.take();
}

// Where a packet's bytes go, for the per-kind counters: a state packet's header
// (its bits rounded up) and the rest, or the whole of a reliable message by its type.
void countByKind(const TransportEvent& event, LightBotReport& r) {
  const uint64_t size = event.payload.size();
  ReadStream in(event.payload);
  if (event.channel == Channel::Reliable) {
    uint32_t type = 0;
    if (!wire::readMessageType(in, type)) return void(r.otherReliableBytes += size);
    const auto kind = static_cast<wire::MessageType>(type);
    (kind == wire::MessageType::Spawn   ? r.spawnBytes
     : kind == wire::MessageType::Leave ? r.leaveBytes
                                        : r.otherReliableBytes) += size;
    return;
  }
  wire::StateHeader header;
  if (!header.serialize(in) || !in.ok()) return void(r.serverBodyBytes += size);
  const uint64_t headerBytes = std::min<uint64_t>(size, (in.bitPosition() + 7) / 8);
  if (header.origin == kServerPeer) {
    r.serverHeaderBytes += headerBytes;
    r.serverBodyBytes += size - headerBytes;
  } else {
    r.forwardHeaderBytes += headerBytes;
    r.forwardBodyBytes += size - headerBytes;
  }
}

} // namespace

std::unique_ptr<LightBot> LightBot::create(const LightBotConfig& config, std::string& error) {
  EnetConfig enet;
  enet.clientHost = config.localHost;
  enet.maxLinks = 1;
  enet.timeoutMs = config.timeoutMs;
  auto transport = EnetTransport::client(enet, error);
  if (!transport) return nullptr;
  return std::unique_ptr<LightBot>(new LightBot(config, std::move(transport)));
}

LightBot::LightBot(const LightBotConfig& config, std::unique_ptr<EnetTransport> transport)
    : m_config(config), m_transport(std::move(transport)) {
  m_report.sent.reserve(1024);
}

void LightBot::run() {
  // The kernel shares a busy CPU between runnable threads, not processes: 64 bot
  // threads at the server's priority would take 64 shares to its one however little
  // each needs. Niced (a thread's own nice value, Linux), they yield to the server.
  if (m_config.niceness > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), m_config.niceness);
  const double cpuStart = threadCpuSeconds();
  const double dt = 1.0 / m_config.tickHz;
  // A load generator waiting for its start time: a plain sleep is what it means.
  const double untilConnect = m_config.connectAt - steadySeconds();
  if (untilConnect > 0) std::this_thread::sleep_for(std::chrono::duration<double>(untilConnect));
  m_report.connectAt = steadySeconds();
  m_link = m_transport->connect("127.0.0.1", m_config.serverPort,
                                wire::packConnectData(protocolVersion(), m_config.gameId));
  if (m_link == kNoLink) {
    m_report.disconnectReason = "could not start connecting";
    m_report.cpuSeconds = threadCpuSeconds() - cpuStart;
    return;
  }
  double nextTick = m_report.connectAt;
  TransportEvent event;
  while (!m_done) {
    double now = steadySeconds();
    if (now >= m_config.leaveAt) break;
    const double wait = std::min(nextTick, m_config.leaveAt) - now;
    const auto waitMs = static_cast<uint32_t>(wait > 0 ? std::ceil(wait * 1000.0) : 0);
    if (m_transport->service(event, waitMs)) {
      handle(event, steadySeconds());
      for (int i = 0; i < 10000 && !m_done && m_transport->service(event, 0); ++i)
        handle(event, steadySeconds());
    }
    now = steadySeconds();
    for (int ran = 0; now >= nextTick && ran < 5; ++ran) {
      tick(now);
      nextTick += dt;
    }
    if (now >= nextTick) nextTick = now + dt; // far behind: drop the backlog, as NetManager does
  }
  m_report.entitiesAtEnd = m_entities.size();
  if (m_connected) {
    m_transport->disconnect(m_link, wire::packDisconnect(wire::DisconnectReason::Leaving));
    m_transport->flush();
    for (int i = 0; i < 20 && m_transport->service(event, 5); ++i) {
      if (event.type == TransportEvent::Type::Disconnected) break;
    }
  }
  m_report.cpuSeconds = threadCpuSeconds() - cpuStart;
}

void LightBot::handle(TransportEvent& event, double now) {
  switch (event.type) {
  case TransportEvent::Type::Connected: {
    m_connected = true;
    const wire::Hello hello{m_config.typeCount, m_config.fingerprint};
    m_transport->send(m_link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
    return;
  }
  case TransportEvent::Type::Disconnected: {
    m_connected = false;
    m_done = true;
    const auto reason = wire::disconnectReason(event.data);
    m_report.timedOut = reason == wire::DisconnectReason::TimedOut;
    m_report.kicked = reason == wire::DisconnectReason::Kicked;
    m_report.disconnectReason = wire::describe(reason);
    return;
  }
  case TransportEvent::Type::Received:
    break;
  }
  if (inWindow(now)) {
    ++m_report.packetsDown;
    m_report.bytesDown += event.payload.size();
    countByKind(event, m_report);
  }
  if (event.channel == Channel::Reliable)
    onReliable(event.payload, now);
  else
    onState(event, now);
}

void LightBot::onReliable(std::span<const uint8_t> payload, double now) {
  ReadStream in(payload);
  uint32_t type = 0;
  if (!wire::readMessageType(in, type)) return;
  switch (static_cast<wire::MessageType>(type)) {
  case wire::MessageType::Spawns: { // several Spawn messages, each whole
    std::vector<std::span<const uint8_t>> spawns;
    if (!wire::readBatch(payload, spawns)) return;
    for (std::span<const uint8_t> spawn : spawns) {
      ReadStream peek(spawn);
      uint32_t inner = 0;
      if (wire::readMessageType(peek, inner) && inner == static_cast<uint32_t>(wire::MessageType::Spawn))
        onReliable(spawn, now); // only Spawns: no batch inside a batch
    }
    return;
  }
  case wire::MessageType::Welcome: {
    wire::Welcome w;
    if (!w.serialize(in) || m_report.joined) return;
    m_report.joined = true;
    m_report.joinedAt = now;
    m_slot = w.yourSlot;
    m_report.slot = m_slot;
    m_tick = w.serverTick;
    m_firstTick = w.serverTick;
    m_serverTick = w.serverTick;
    m_serverTickAt = now;
    // Our player, spawned where its circle starts (the referee judges its first step
    // from here), stamped with the server's tick as we know it.
    m_player = EntityId::make(m_slot, w.firstCounter);
    if (m_config.arenaHalfSize > 0)
      m_walk = std::make_unique<WaypointWalk>(m_slot, m_config.arenaHalfSize, m_config.regionHalfSize,
                                              kWalkSpeed, m_config.walkSeed);
    const BotPose start = pose();
    wire::Spawn spawn;
    spawn.id = m_player;
    spawn.type = game::kPlayerType;
    spawn.authority = m_slot;
    spawn.state.transform.position = start.position;
    spawn.state.linearVelocity = start.velocity;
    spawn.state.variant = m_slot;
    spawn.serverTick = m_tick;
    m_transport->send(m_link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Spawn, spawn, m_config.precisions));
    m_entities.insert(m_player.value);
    return;
  }
  case wire::MessageType::Spawn: {
    ++m_spawnsReceived; // every one, in order, as the server counts what it sent
    ++m_report.spawnsReceived;
    wire::Spawn s;
    if (!s.serialize(in, m_config.precisions)) return;
    m_entities.insert(s.id.value);
    if (m_report.joined && s.id != m_player) {
      const Vec3 at = s.state.transform.position, me = pose().position;
      const double away = std::hypot(at.x - me.x, at.z - me.z);
      m_report.farthestSpawn = std::max(m_report.farthestSpawn, away);
      if (m_report.completeAt >= 0)
        m_report.farthestSpawnAfterComplete = std::max(m_report.farthestSpawnAfterComplete, away);
    }
    return;
  }
  case wire::MessageType::Leave: {
    wire::Leave l;
    if (!l.serialize(in)) return;
    ++m_report.leavesReceived;
    m_entities.erase(l.id.value);
    return;
  }
  case wire::MessageType::WorldComplete:
    if (m_report.completeAt < 0) m_report.completeAt = now;
    return;
  case wire::MessageType::Despawn: {
    wire::Despawn d;
    if (d.serialize(in)) m_entities.erase(d.id.value);
    return;
  }
  default:
    return; // joins, leaves, events: nothing a light bot keeps
  }
}

void LightBot::onState(const TransportEvent& event, double now) {
  wire::StatePacket packet;
  // A light bot keeps no copies of the server's own entities, so it has no layout to
  // read their blocks sent without a length by: of the server's own packets it needs
  // the header alone, which is whole before any block is read.
  const wire::PacketRead read = wire::readStatePacket(event.payload, packet, wire::DelimitLayout{});
  if (read == wire::PacketRead::Malformed ||
      (read == wire::PacketRead::Unreadable && packet.header.origin != kServerPeer))
    return;
  if (packet.header.origin == kServerPeer) {
    m_received.onReceived(packet.header.sequence);
    if (static_cast<int32_t>(packet.header.senderTick - m_serverTick) > 0) {
      m_serverTick = packet.header.senderTick;
      m_serverTickAt = now;
    }
    return;
  }
  if (!inWindow(now)) return;
  ++m_report.forwardedDown;
  m_report.blocksForwardedDown += packet.blocks.size();
  auto arrived = [&](PeerId origin, uint32_t tick) {
    if (m_report.arrivals.size() + m_report.sent.size() < m_config.maxSamples)
      m_report.arrivals.push_back({origin, tick, now});
  };
  arrived(packet.header.origin, packet.header.originTick);
  for (const wire::StateSection& s : packet.sections) { // further owners' updates in the same packet
    m_report.blocksForwardedDown += s.blocks.size();
    arrived(s.origin, s.originTick);
  }
}

void LightBot::tick(double now) {
  if (!m_report.joined || !m_connected) return;
  ++m_tick;
  const int every = std::max(1, m_config.tickHz / m_config.sendHz);
  if ((m_tick - m_firstTick) % static_cast<uint32_t>(every) != 0) return;
  sendSpawnAck();
  const std::vector<uint8_t> bytes = playerBlockPacket(now);
  m_transport->send(m_link, Channel::State, bytes);
  m_transport->flush();
  if (inWindow(now)) {
    ++m_report.packetsUp;
    m_report.bytesUp += bytes.size();
    if (m_report.arrivals.size() + m_report.sent.size() < m_config.maxSamples) m_report.sent.push_back({m_tick, now});
  }
}

std::vector<uint8_t> LightBot::playerBlockPacket(double now) {
  wire::StateHeader header;
  header.sequence = m_sequence++;
  header.hasAck = m_received.any();
  header.ack = m_received.newest();
  header.ackBits = m_received.bits();
  // As a NetManager client stamps: senderTick is its estimate of the server's present,
  // originTick its own tick, counted on its own clock from the welcome's server tick
  // (so an overloaded server that drops ticks sees clients' origin ticks run ahead).
  header.senderTick = m_serverTick + static_cast<uint32_t>(std::max(0.0, (now - m_serverTickAt) * m_config.tickHz));
  header.origin = m_slot;
  header.originTick = m_tick;
  wire::StateBlock block;
  block.id = m_player;
  block.payload = playerPayload(pose(), block.bits);
  WriteStream out(256);
  header.serialize(out);
  wire::BlockContext context;
  wire::writeBlock(out, block, context);
  wire::writeEnd(out);
  return out.take();
}

BotPose LightBot::pose() const {
  const float seconds = static_cast<float>(m_tick - m_firstTick) / static_cast<float>(m_config.tickHz);
  return m_walk ? m_walk->at(seconds) : circlePose(m_slot, seconds);
}

// As a NetManager client acknowledges spawns: when the count changed, then once a
// second for five more seconds.
void LightBot::sendSpawnAck() {
  if (m_spawnsReceived != m_spawnsAcked) m_spawnAckRepeats = 5;
  else if (m_spawnAckRepeats == 0 || (m_tick - m_firstTick) % static_cast<uint32_t>(m_config.tickHz) != 0) return;
  else --m_spawnAckRepeats;
  m_transport->send(m_link, Channel::Reliable,
                    wire::encodeMessage(wire::MessageType::SpawnAck, wire::SpawnAck{m_spawnsReceived}));
  m_spawnsAcked = m_spawnsReceived;
}

} // namespace ferrum::bench
