#pragma once
// A demo-game Host over loopback ENet for tests, with an optional person-driven
// player, and a bounded pump that drives several peers on a simulated clock while
// their real sockets carry the data.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ferrum/host.h"
#include "game/demo_game.h"

namespace testing_support {

struct TestPeer {
  /// A transport the test made itself (e.g. a measuring wrapper), when the host uses
  /// one: declared first, so it outlives the host.
  std::unique_ptr<ferrum::Transport> ownTransport;
  std::unique_ptr<ferrum::Host> host;
  // Short names for the host's parts, which the tests use all the time.
  ferrum::NetManager* net = nullptr;
  ferrum::EntityGroup* group = nullptr;
  ferrum::Effects* effects = nullptr;
  std::unique_ptr<game::LocalPlayer> player;
  uint16_t port = 0; ///< server: the bound port

  /// Server over real loopback ENet on an ephemeral port, demo types and arena.
  static std::unique_ptr<TestPeer> enetServer(ferrum::NetConfig config = {});
  /// Client over real loopback ENet, connecting to `port`. `withPlayer`: spawn a
  /// (person-driven) player when joined.
  static std::unique_ptr<TestPeer> enetClient(uint16_t port, bool withPlayer, ferrum::NetConfig config = {});

  /// Any demo-game host (the caller's definition), with the short names filled in.
  static std::unique_ptr<TestPeer> fromDef(ferrum::HostDef def);

  game::PlayerController* playerController();
};

/// Runs every peer's frame() on a shared simulated clock (one tick per step) and
/// services their transports, until `done` is true or `maxTicks` / `maxWallSeconds`
/// run out. Returns whether `done` became true.
bool pumpUntil(const std::vector<TestPeer*>& peers, const std::function<bool()>& done, int maxTicks = 3000,
               double maxWallSeconds = 60);

/// Runs exactly `ticks` ticks on every peer.
void pumpTicks(const std::vector<TestPeer*>& peers, int ticks);

/// A copy of the statistics a peer keeps about `slot` (all zero if it has none). A
/// copy, because NetManager::stats() returns a temporary.
ferrum::PeerStats statsOf(const ferrum::NetStats& stats, ferrum::PeerId slot);
/// How many live entities of `type` the group holds.
size_t countType(const ferrum::EntityGroup& group, ferrum::EntityTypeId type);

/// The usual cast of the integration tests: a server and two clients with players,
/// over loopback ENet.
struct TwoPlayerMatch {
  explicit TwoPlayerMatch(ferrum::NetConfig serverConfig = {});
  /// Both players spawned and known to all three peers (bounded).
  bool ready();

  std::unique_ptr<TestPeer> server, a, b;
  std::vector<TestPeer*> all;
};

} // namespace testing_support
