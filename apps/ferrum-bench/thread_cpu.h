#pragma once
// CPU time of the calling thread: what the scale bench charges to the server thread
// and to each bot, apart from the other threads of the same process.

#include <ctime>

namespace ferrum::bench {

inline double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace ferrum::bench
