#pragma once
// The rogue client: a real client (ENet over loopback, a NetManager, a player) that
// also attacks the server it joined, one bounded phase after another, and a second
// ENet host for connection-level attacks. Used only by tests and ferrum-rogue.
// Phases: wrong protocol and game ids; join; random bytes; truncated and oversized
// packets; forged updates, despawns and events for another peer's entities; spawns of
// a server-only type and outside its id range; a spawn flood; impossible speeds and a
// teleport of its own player; replayed and out-of-order state packets; a
// connect/disconnect storm; finally garbage until the server kicks it.

#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "apps/ferrum-rogue/tap_transport.h"
#include "ferrum/enet_transport.h"
#include "ferrum/host.h"
#include "game/demo_game.h"

namespace rogue {

struct RogueConfig {
  std::string host = "127.0.0.1"; ///< loopback only: the rogue never attacks anything else
  uint16_t port = 0;
  uint32_t seed = 1;
  int wrongVersionConnects = 3; ///< and as many with a wrong game id
  int randomPackets = 8;        ///< half on the state channel, half on the reliable one
  int truncatedPackets = 6;
  int oversizedPackets = 3;
  int forgedUpdates = 4;        ///< state blocks for another peer's player
  int spawnFlood = 14;          ///< grenades at once (the server's burst is 8 by default)
  int speedTicks = 6;           ///< ticks of an impossible velocity, then one teleport
  int replays = 6;              ///< old state packets sent again, newest-first
  int stormConnects = 10;       ///< valid connects, each closed as soon as it is up
  int floodLimit = 3000;        ///< garbage packets at most, while waiting for the kick
  int pauseTicks = 15;          ///< between phases, so each lands before the next
};

/// What the rogue did and what it saw.
struct RogueReport {
  int wrongConnectsSent = 0;
  int refusedProtocol = 0;   ///< refusals received with the protocol-mismatch reason
  int refusedGame = 0;
  int refusedDetailOk = 0;   ///< refusals whose detail named the server's version / game id
  int malformedSent = 0;     ///< random, truncated and oversized packets (before the final flood)
  int forgedSent = 0;        ///< forged updates, origin claims, despawns and events
  int forbiddenSpawnsSent = 0;
  int floodSpawned = 0;
  int replaysSent = 0;
  int stormJoined = 0;
  int stormClosed = 0;
  int garbageSent = 0;       ///< the final flood
  bool kicked = false;
  std::string disconnectReason;
};

class Rogue {
public:
  /// Nullptr (and `error`) if no ENet host could be made.
  static std::unique_ptr<Rogue> create(const RogueConfig& config, std::string& error);

  /// Runs the rogue's ticks due at `nowSeconds` and the current phase.
  void frame(double nowSeconds);
  /// Handles what arrived, waiting at most `waitMs`.
  void service(uint32_t waitMs);
  /// True once every phase ran and the server closed the rogue's link (or gave up).
  bool finished() const { return m_phase == Phase::Done; }
  const RogueReport& report() const { return m_report; }
  /// The rogue's slot on the server (kNoPeer before the welcome).
  ferrum::PeerId slot() const { return m_net->localPeer(); }
  const char* phaseName() const;

private:
  enum class Phase : uint8_t {
    WrongConnects, Join, RandomBytes, Truncated, Oversized, Forged, ForbiddenSpawns, SpawnFlood,
    Speed, Replay, Storm, Flood, Done
  };
  Rogue(const RogueConfig& config, std::unique_ptr<ferrum::EnetTransport> main,
        std::unique_ptr<ferrum::EnetTransport> side);

  void runPhase();
  void next(Phase phase);
  void serviceSide(uint32_t waitMs);
  std::vector<uint8_t> randomBytes(size_t size);
  std::vector<uint8_t> statePacket(ferrum::PeerId origin, ferrum::EntityId id, const std::vector<uint8_t>& payload,
                                   uint32_t bits);
  ferrum::EntityId someoneElsesPlayer() const;
  void attackRandom();
  void attackTruncated();
  void attackOversized();
  void attackForged();
  void attackForbiddenSpawns();
  void attackReplay();

  RogueConfig m_config;
  std::unique_ptr<ferrum::EnetTransport> m_main;
  std::unique_ptr<ferrum::EnetTransport> m_side; ///< wrong-version connects and the storm
  TapTransport m_tap;
  /// An honest demo peer that talks through the tap, so attacks ride on a real join.
  std::unique_ptr<ferrum::Host> m_host;
  ferrum::NetManager* m_net = nullptr;
  ferrum::EntityGroup* m_group = nullptr;
  std::unique_ptr<game::LocalPlayer> m_player;
  std::mt19937 m_rng;
  Phase m_phase = Phase::WrongConnects;
  int m_phaseTicks = 0;
  int m_sideOpen = 0;  ///< side links started and not yet closed
  std::set<ferrum::LinkId> m_stormLeft;
  uint16_t m_sequence = 40000;
  RogueReport m_report;
};

} // namespace rogue
