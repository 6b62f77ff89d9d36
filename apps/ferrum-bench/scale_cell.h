#pragma once
// One cell of `ferrum-bench scale`: the demo game's real server (game::demoHostDef,
// the demo arena or the large one; ENet on an ephemeral loopback port) on a thread of its own, `bodies` crates on it,
// and `clients` light bots (light_bot.h), each a real ENet client on a thread of its
// own. The server's tick is timed on its thread's CPU clock between NetManager's
// onTick and onTickEnd; everything else is counted by the bots over a measured window
// that starts once every bot had its chance to connect.

#include <string>

#include <nlohmann/json.hpp>

#include "ferrum/net_config.h"

namespace ferrum {
class NetManager;
}

namespace ferrum::bench {

struct ScaleCellOptions {
  int clients = 4;
  int bodies = 50;
  double seconds = 20;           ///< measured window
  double joinSpreadSeconds = 0;  ///< 0: every bot connects at once; else evenly over this long
  double settleSeconds = 3;      ///< the crates fall and settle before anyone joins (not measured)
  int tickHz = 60;
  int sendHz = 30;
  uint32_t seed = 1;
  float forwardWindowMs = -1;    ///< the server's NetConfig::forwardWindowMs (< 0: its default)
  bool physicsThread = NetConfig{}.physicsThread; ///< the server's NetConfig::physicsThread
  bool staggerSends = NetConfig{}.staggerSends;   ///< the server's NetConfig::staggerSends
  float joinShareWhenBehind = -1; ///< the server's NetConfig::joinShareWhenBehind (< 0: its default)
  float joinTickShare = -1;       ///< the server's NetConfig::joinTickShare (< 0: its default)
  float forwardFullRateMeters = -1; ///< the server's NetConfig::forwardFullRateMeters (< 0: its default)
  float forwardFalloffMeters = -1;  ///< the server's NetConfig::forwardFalloffMeters (< 0: its default)
  bool botsShareAnAddress = false; ///< every bot from 127.0.0.1 (else each its own 127.0.1.x)
  int botNiceness = 10;          ///< bot threads' nice value: they yield the CPU to the server thread
  /// The large arena (game::Scenario::Large, 120 x 120 m): crates scattered over the
  /// whole floor, each bot walking random waypoints in a region of its own (the
  /// regions spread over the floor), interest management on. False: the demo arena.
  bool largeArena = false;
  /// The server's NetConfig::relevanceRadius; < 0: the arena's default
  /// (kLargeArenaRelevanceRadius in the large arena, off in the demo arena).
  float relevanceRadius = -1;
  float walkRegionHalfSize = 10; ///< large arena: each bot's region, metres either side of its centre
};

/// The large arena's default interest radius (m): as far as a player in the demo
/// arena sees from its centre to the walls (its half size), so a player in the
/// large arena has as much world around it as in the small one.
constexpr float kLargeArenaRelevanceRadius = 20.0f;

/// Runs one cell; its figures as JSON (see docs/benchmarks.md "Scale" for the fields).
/// `error` is set (and the JSON empty) when the server or a bot cannot be created.
nlohmann::json runScaleCell(const ScaleCellOptions& options, std::string& error);

/// The crate layout of the bench: `count` crates on a grid inside the arena's walls,
/// in layers, so every body stays in the world and comes to rest.
void spawnBenchCrates(NetManager& net, int count, uint32_t seed);

} // namespace ferrum::bench
