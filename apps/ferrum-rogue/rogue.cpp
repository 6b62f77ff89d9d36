#include "apps/ferrum-rogue/rogue.h"

#include <spdlog/spdlog.h>

#include "ferrum/entity.h"
#include "game/grenade_controller.h"
#include "game/types.h"
#include "wire/messages.h"

namespace rogue {

using namespace ferrum;

namespace {
constexpr int kPhaseTimeoutTicks = 900; // a phase that waits on the server gives up after 15 s
constexpr int kPerTick = 2;             // attack packets per tick: under the server's packet rate limit
} // namespace

std::unique_ptr<Rogue> Rogue::create(const RogueConfig& config, std::string& error) {
  EnetConfig enet;
  enet.maxLinks = 64;
  auto main = EnetTransport::client(enet, error);
  if (!main) return nullptr;
  auto side = EnetTransport::client(enet, error);
  if (!side) return nullptr;
  auto rogue = std::unique_ptr<Rogue>(new Rogue(config, std::move(main), std::move(side)));
  HostDef def = game::demoHostDef();
  def.net.role = Role::Client;
  def.transport = &rogue->m_tap;
  rogue->m_host = Host::create(std::move(def), error);
  if (!rogue->m_host) return nullptr;
  rogue->m_net = &rogue->m_host->net();
  rogue->m_group = &rogue->m_host->group();
  rogue->m_player = std::make_unique<game::LocalPlayer>(*rogue->m_net, std::nullopt);
  return rogue;
}

Rogue::Rogue(const RogueConfig& config, std::unique_ptr<EnetTransport> main, std::unique_ptr<EnetTransport> side)
    : m_config(config), m_main(std::move(main)), m_side(std::move(side)), m_tap(*m_main), m_rng(config.seed) {}

const char* Rogue::phaseName() const {
  static const char* const kNames[] = {"wrong-connects", "join",   "random-bytes", "truncated", "oversized",
                                       "forged",         "forbidden-spawns", "spawn-flood", "speed", "replay",
                                       "storm",          "flood",  "done"};
  return kNames[static_cast<int>(m_phase)];
}

void Rogue::service(uint32_t waitMs) {
  m_net->service(waitMs);
  serviceSide(0);
}

void Rogue::frame(double nowSeconds) {
  m_net->frame(nowSeconds);
  serviceSide(0);
  if (m_phase == Phase::Done) return;
  runPhase();
  ++m_phaseTicks;
}

void Rogue::next(Phase phase) {
  spdlog::info("rogue: {} done, next phase", phaseName());
  m_phase = phase;
  m_phaseTicks = -m_config.pauseTicks; // a pause, so the previous attack lands first
}

// The side host: refusals of the wrong-version connects, and the storm's links.
void Rogue::serviceSide(uint32_t waitMs) {
  TransportEvent event;
  while (m_side->service(event, waitMs)) {
    waitMs = 0;
    if (event.type == TransportEvent::Type::Connected) {
      // A storm link says hello as an honest client would, naming our (the demo's)
      // type table, so the server lets it in; the wrong-version connects never get here.
      const wire::Hello hello{static_cast<uint32_t>(m_host->types().size()), m_host->types().fingerprint()};
      m_side->send(event.link, Channel::Reliable, wire::encodeMessage(wire::MessageType::Hello, hello));
      m_side->flush();
      continue;
    }
    if (event.type == TransportEvent::Type::Received) {
      // The storm leaves as soon as the server has let it in (its welcome is the first
      // message). Leaving before ENet even reports the connection to the server makes
      // the link invisible to it: ENet drops such a peer silently.
      if (m_phase == Phase::Storm && m_stormLeft.insert(event.link).second) {
        ++m_report.stormJoined;
        m_side->disconnect(event.link, wire::packDisconnect(wire::DisconnectReason::Leaving));
        m_side->flush();
      }
      continue;
    }
    if (event.type != TransportEvent::Type::Disconnected) continue;
    --m_sideOpen;
    const auto reason = wire::disconnectReason(event.data);
    const uint16_t detail = wire::disconnectDetail(event.data);
    if (reason == wire::DisconnectReason::ProtocolMismatch) {
      ++m_report.refusedProtocol;
      m_report.refusedDetailOk += detail == wire::kProtocolVersion;
    } else if (reason == wire::DisconnectReason::GameMismatch) {
      ++m_report.refusedGame;
      m_report.refusedDetailOk += detail == NetConfig{}.gameId;
    } else if (m_phase == Phase::Storm) {
      ++m_report.stormClosed;
    }
  }
}

void Rogue::runPhase() {
  if (m_phaseTicks < 0) return; // pausing between phases
  const NetConfig defaults;
  switch (m_phase) {
  case Phase::WrongConnects:
    if (m_phaseTicks == 0) {
      for (int i = 0; i < m_config.wrongVersionConnects; ++i) {
        m_side->connect(m_config.host, m_config.port,
                        wire::packConnectData(static_cast<uint16_t>(wire::kProtocolVersion + 1 + i), defaults.gameId));
        m_side->connect(m_config.host, m_config.port,
                        wire::packConnectData(wire::kProtocolVersion, static_cast<uint16_t>(defaults.gameId ^ (0x5A5A + i))));
        m_sideOpen += 2;
        m_report.wrongConnectsSent += 2;
      }
      m_side->flush();
    } else if (m_sideOpen <= 0 || m_phaseTicks > kPhaseTimeoutTicks) {
      next(Phase::Join);
    }
    return;
  case Phase::Join:
    if (m_phaseTicks == 0) m_net->connect(m_config.host, m_config.port);
    if ((!m_player->id().isNull() && !someoneElsesPlayer().isNull()) || m_phaseTicks > kPhaseTimeoutTicks)
      next(Phase::RandomBytes);
    return;
  case Phase::RandomBytes:
    attackRandom();
    return;
  case Phase::Truncated:
    attackTruncated();
    return;
  case Phase::Oversized:
    attackOversized();
    return;
  case Phase::Forged:
    attackForged();
    return;
  case Phase::ForbiddenSpawns:
    attackForbiddenSpawns();
    return;
  case Phase::SpawnFlood: {
    const Entity* self = m_group->find(m_player->id());
    for (int i = 0; self && i < m_config.spawnFlood; ++i) {
      SpawnState s;
      s.transform.position = self->body().position() + Vec3{0.8f, 0.5f, 0};
      s.variant = game::kDefaultFuseTicks;
      m_report.floodSpawned += !m_net->spawn(game::kGrenadeType, s).isNull();
    }
    next(Phase::Speed);
    return;
  }
  case Phase::Speed:
    if (Entity* self = m_group->find(m_player->id())) {
      if (m_phaseTicks < m_config.speedTicks) {
        self->body().setLinearVelocity({0, 100, 0}); // five times the referee's limit
      } else {
        self->body().setTransform({self->body().position() + Vec3{0, 12, 0}, {}}); // and a teleport
        next(Phase::Replay);
      }
    } else {
      next(Phase::Replay);
    }
    return;
  case Phase::Replay:
    attackReplay();
    return;
  case Phase::Storm:
    if (m_phaseTicks == 0) {
      for (int i = 0; i < m_config.stormConnects; ++i)
        m_side->connect(m_config.host, m_config.port, wire::packConnectData(wire::kProtocolVersion, defaults.gameId));
      m_sideOpen += m_config.stormConnects;
      m_side->flush();
    } else if (m_sideOpen <= 0 || m_phaseTicks > kPhaseTimeoutTicks) {
      next(Phase::Flood);
    }
    return;
  case Phase::Flood:
    // Garbage until the server has had enough: its violation limit must end this.
    for (int i = 0; i < kPerTick + 1 && !m_net->disconnected() && m_report.garbageSent < m_config.floodLimit; ++i) {
      m_tap.inject(Channel::State, randomBytes(32));
      ++m_report.garbageSent;
    }
    if (m_net->disconnected() || m_report.garbageSent >= m_config.floodLimit) {
      m_report.disconnectReason = m_net->disconnectReason();
      m_report.kicked = m_report.disconnectReason.find("kicked") != std::string::npos;
      m_phase = Phase::Done;
    }
    return;
  case Phase::Done:
    return;
  }
}

std::vector<uint8_t> Rogue::randomBytes(size_t size) {
  std::vector<uint8_t> out(size);
  for (auto& b : out) b = static_cast<uint8_t>(m_rng());
  return out;
}

// A well-formed state packet with one block, claiming `origin`.
std::vector<uint8_t> Rogue::statePacket(PeerId origin, EntityId id, const std::vector<uint8_t>& payload, uint32_t bits) {
  wire::StateHeader header;
  header.sequence = m_sequence++;
  header.senderTick = m_net->tick();
  header.origin = origin;
  // Newer than anything it sent honestly, yet within the 4 s the server accepts as a
  // client clock: only the referee's rules can refuse it.
  header.originTick = m_net->tick() + 120;
  WriteStream out(64 * 1024);
  header.serialize(out);
  wire::writeBlock(out, wire::StateBlock{id, payload, bits});
  wire::writeEnd(out);
  return out.take();
}

EntityId Rogue::someoneElsesPlayer() const {
  EntityId found;
  m_group->forEach([&](const Entity& e) {
    if (found.isNull() && e.type() == game::kPlayerType && e.authority() != m_net->localPeer()) found = e.id();
  });
  return found;
}

void Rogue::attackRandom() {
  for (int i = 0; i < kPerTick && m_report.malformedSent < m_config.randomPackets; ++i) {
    const bool reliable = m_report.malformedSent % 2 == 1;
    std::vector<uint8_t> bytes = randomBytes(16 + m_rng() % 300);
    // The first four bits name the message: all zeros or all ones is no message type.
    if (reliable) bytes[0] = (m_report.malformedSent / 2) % 2 ? 0xFF : 0x00;
    m_tap.inject(reliable ? Channel::Reliable : Channel::State, bytes);
    ++m_report.malformedSent;
  }
  if (m_report.malformedSent >= m_config.randomPackets) next(Phase::Truncated);
}

void Rogue::attackTruncated() {
  const Entity* self = m_group->find(m_player->id());
  if (!self) return next(Phase::Oversized);
  WriteStream payload(1024);
  self->controller().serverUpdate(payload);
  const std::vector<uint8_t> whole =
      statePacket(slot(), self->id(), payload.buffer(), static_cast<uint32_t>(payload.bits()));
  for (int i = 0; i < kPerTick && m_phaseTicks * kPerTick + i < m_config.truncatedPackets; ++i) {
    // Any cut loses at least the end-of-blocks bit, so no cut can parse.
    const size_t keep = 1 + m_rng() % (whole.size() - 1);
    m_tap.inject(Channel::State, std::span(whole.data(), keep));
    ++m_report.malformedSent;
  }
  if ((m_phaseTicks + 1) * kPerTick >= m_config.truncatedPackets) next(Phase::Oversized);
}

void Rogue::attackOversized() {
  for (int i = 0; i < m_config.oversizedPackets; ++i) {
    switch (i % 3) {
    case 0: { // a block longer than any block may be
      const uint32_t bits = wire::kMaxBlockBits + 512;
      m_tap.inject(Channel::State, statePacket(slot(), m_player->id(), randomBytes(bits / 8), bits));
      break;
    }
    case 1: // a datagram far past the packet cap (ENet fragments it)
      m_tap.inject(Channel::State, randomBytes(4000));
      break;
    default: { // an event longer than kMaxEventBits
      WriteStream out(4096);
      uint32_t type = static_cast<uint32_t>(wire::MessageType::EntityEvent), id = m_player->id().value;
      uint32_t bits = 2000;
      out.serializeBits(type, wire::kMessageTypeBits);
      out.serializeBits(id, 32);
      out.serializeBits(bits, bitsRequired(wire::kMaxEventBits));
      const std::vector<uint8_t> junk = randomBytes(250);
      out.serializeRawBits(junk.data(), 2000);
      m_tap.inject(Channel::Reliable, out.buffer());
    }
    }
    ++m_report.malformedSent;
  }
  next(Phase::Forged);
}

void Rogue::attackForged() {
  const EntityId victim = someoneElsesPlayer();
  Entity* v = m_group->find(victim);
  const Entity* self = m_group->find(m_player->id());
  if (!v || !self) return next(Phase::ForbiddenSpawns);
  const PeerId victimSlot = v->authority();
  if (m_phaseTicks < m_config.forgedUpdates) {
    // The victim's player, teleported: packed by its own controller on our copy.
    const Transform truth = v->body().transform();
    v->body().setTransform({{15, 1, 15}, {}});
    WriteStream payload(1024);
    v->controller().serverUpdate(payload);
    v->body().setTransform(truth);
    m_tap.inject(Channel::State, statePacket(slot(), victim, payload.buffer(), static_cast<uint32_t>(payload.bits())));
    ++m_report.forgedSent;
    return;
  }
  // Our own block, claiming to come from the victim.
  WriteStream own(1024);
  self->controller().serverUpdate(own);
  m_tap.inject(Channel::State, statePacket(victimSlot, self->id(), own.buffer(), static_cast<uint32_t>(own.bits())));
  // The victim's player despawned, and an event in its name.
  m_tap.inject(Channel::Reliable, wire::encodeMessage(wire::MessageType::Despawn, wire::Despawn{victim, wire::DespawnReason::Gone}));
  WriteStream blast(64);
  uint32_t junk = 0x12345;
  blast.serializeBits(junk, 24);
  m_tap.inject(Channel::Reliable, wire::encodeMessage(wire::MessageType::EntityEvent,
                                                      wire::EntityEvent{victim, static_cast<uint32_t>(blast.bits()), blast.take()}));
  m_report.forgedSent += 3;
  next(Phase::ForbiddenSpawns);
}

void Rogue::attackForbiddenSpawns() {
  const Entity* self = m_group->find(m_player->id());
  const EntityId victim = someoneElsesPlayer();
  if (!self || victim.isNull()) return next(Phase::SpawnFlood);
  SpawnState s;
  s.transform.position = self->body().position() + Vec3{0, 2, 0};
  // Coded as NetManager codes spawns (at each type's declared precision), so the
  // server reads them and its referee, not the decoder, has to refuse them.
  const wire::PrecisionOf precisionOf = [this](EntityTypeId type) -> const RigidQuantization* {
    const EntityType* t = m_group->registry().find(type);
    return t ? t->statePrecision : nullptr;
  };
  // A crate: only the server may make those (NetManager::spawn would refuse locally).
  m_tap.inject(Channel::Reliable,
               wire::encodeMessage(wire::MessageType::Spawn, wire::Spawn{m_group->allocateId(), game::kCrateType, slot(), s},
                                   precisionOf));
  // A grenade with an id from the victim's range.
  s.variant = game::kDefaultFuseTicks;
  m_tap.inject(Channel::Reliable, wire::encodeMessage(wire::MessageType::Spawn,
                                                      wire::Spawn{EntityId::make(victim.creator(), 0xABCDE),
                                                                  game::kGrenadeType, slot(), s},
                                                      precisionOf));
  m_report.forbiddenSpawnsSent += 2;
  next(Phase::SpawnFlood);
}

void Rogue::attackReplay() {
  // Genuine packets we sent a while ago that carry our player (an unchanged entity is
  // not resent, so many carry nothing), newest of them first: replayed, out of order.
  std::vector<const std::vector<uint8_t>*> withPlayer;
  for (const auto& bytes : m_tap.sentState()) {
    wire::StatePacket packet;
    if (!wire::readStatePacket(bytes, packet)) continue;
    for (const auto& block : packet.blocks)
      if (block.id == m_player->id()) {
        withPlayer.push_back(&bytes);
        break;
      }
  }
  const int available = static_cast<int>(withPlayer.size()) - 3; // not the freshest: those may not have landed
  const int count = std::min(m_config.replays, std::max(0, available));
  for (int i = count - 1; i >= 0; --i) {
    m_tap.inject(Channel::State, *withPlayer[static_cast<size_t>(i)]);
    ++m_report.replaysSent;
  }
  next(Phase::Storm);
}

} // namespace rogue
