#pragma once
/// steadySeconds(): the monotonic clock ferrum's executables, tools and viewer give to
/// NetManager::frame() and LinkSimulator. When things happen is never read from a clock
/// by the library: time is passed in, so tests can run on their own. How long the
/// server's own work takes (its join budget) is timed on this clock unless a test
/// gives another (NetManager::setWorkClock).

#include <chrono>

namespace ferrum {

/// Seconds on std::chrono::steady_clock (monotonic; its epoch is unspecified, so only
/// differences mean anything).
inline double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace ferrum
