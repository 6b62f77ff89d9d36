#pragma once
// CPU time of the calling thread: what the scale bench charges to the server thread
// (with its physics thread) and to each bot, apart from the other threads of the
// same process.

#include <dirent.h>
#include <sys/types.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

namespace ferrum::bench {

inline double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// The id of this process's thread named `name` (as top shows it), 0 if none: the
/// physics thread a NetManager steps on (NetConfig::physicsThread) is "ferrum-physics".
inline pid_t findThreadNamed(const std::string& name) {
  DIR* tasks = opendir("/proc/self/task");
  if (!tasks) return 0;
  pid_t found = 0;
  while (const dirent* entry = readdir(tasks)) {
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string line;
    if (entry->d_name[0] != '.' && std::getline(comm, line) && line == name) {
      found = static_cast<pid_t>(std::atoi(entry->d_name));
      break;
    }
  }
  closedir(tasks);
  return found;
}

/// CPU time of another thread of this process (0 for tid 0). Linux encodes a thread's
/// CPU clock as (~tid << 3) | 6: per-thread (4), scheduler time (2).
inline double otherThreadCpuSeconds(pid_t tid) {
  if (tid == 0) return 0;
  timespec ts{};
  const auto clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace ferrum::bench
