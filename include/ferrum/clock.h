#pragma once
/// steadySeconds(): the monotonic clock ferrum's executables, tools and viewer give to
/// NetManager::frame() and LinkSimulator. The library itself never reads a clock: time
/// is passed in, so tests can run on their own.

#include <chrono>

namespace ferrum {

/// Seconds on std::chrono::steady_clock (monotonic; its epoch is unspecified, so only
/// differences mean anything).
inline double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace ferrum
