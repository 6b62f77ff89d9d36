#pragma once
// When ferrum-server tells Agones what: the lifecycle on top of AgonesClient, driven
// from the game loop. Ready once listening; Health every period, only from a loop that
// is ticking on time (a stalled loop sends none, so Agones marks the pod Unhealthy);
// the player count as a label (and, with player tracking, the alpha player calls) for
// the allocator; Shutdown when the match ends.

#include <map>
#include <string>

#include "apps/ferrum-server/agones_client.h"
#include "ferrum/host.h"

namespace app {

struct AgonesOptions {
  double healthSeconds = 2;    ///< period of Health calls (Agones' default health period is 5 s)
  bool playerTracking = false; ///< also the alpha player calls (needs Agones' PlayerTracking gate)
};

class AgonesSession {
public:
  /// Calls Ready (and the player capacity) at once: the server is listening.
  AgonesSession(AgonesClient& client, ferrum::Host& peer, const AgonesOptions& options, const LoopHeartbeat& heartbeat);
  /// Every loop turn: Health when due (or Ready again while it was never acknowledged:
  /// the sidecar may start after us), and the player label when the count changed.
  void poll();
  /// The match is over: Shutdown, then wait (bounded) until it went out.
  void matchEnded();

private:
  void sendPlayers();
  AgonesClient& m_client;
  ferrum::Host& m_peer;
  AgonesOptions m_options;
  const LoopHeartbeat& m_heartbeat;
  double m_nextHealth = 0;
  int m_players = 0;          ///< connected now (joins minus leaves)
  int m_labelledPlayers = -1; ///< the count the label says
  ferrum::Subscription m_joined, m_left;
};

} // namespace app
