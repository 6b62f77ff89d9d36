#pragma once
// `ferrum-bench client-cost`: what one real ferrum-client process costs per remote
// entity. For each crate count it starts `ferrum-server --crates N` and one
// `ferrum-client --no-player` (the executables beside ferrum-bench) on loopback,
// reads both processes' CPU time from /proc/PID/stat over a measured window, and the
// client's achieved tick rate from its --stats-json timeline.

#include <string>
#include <vector>

namespace ferrum::bench {

struct ClientCostCommand {
  std::vector<int> crates{50, 500, 2000};
  double settleSeconds = 5;  ///< after the client starts: join, world, crates falling
  double seconds = 15;       ///< measured window
  std::string json;
  /// The server's and client's --scenario: "arena" (crates laid in rows, most beyond
  /// 50 off the 40 m floor) or "large" (scattered over 120 x 120 m, all settle).
  std::string scenario = "arena";
};

/// 0: every run measured; 1: a process failed to start or join; 2: usage or I/O error.
int runClientCostCommand(const ClientCostCommand& cmd);

} // namespace ferrum::bench
