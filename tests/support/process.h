#pragma once
// Spawning the real executables from tests: a child process with optional stdout and
// stderr files, killed if it outlives its deadline; scratch directories; port files.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace testing_support {

class ChildProcess {
public:
  explicit ChildProcess(std::vector<std::string> args, const std::filesystem::path& stdoutFile = {},
                        const std::filesystem::path& stderrFile = {}) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!stdoutFile.empty())
      posix_spawn_file_actions_addopen(&actions, 1, stdoutFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!stderrFile.empty())
      posix_spawn_file_actions_addopen(&actions, 2, stderrFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (m_pid > 0) wait(0);
  }

  bool started() const { return m_pid > 0; }
  /// The child's process id while it runs (-1 once waited for).
  pid_t pid() const { return m_pid; }
  /// Sends `sig` to the child while it runs; false if it is not running.
  bool signal(int sig) { return m_pid > 0 && ::kill(m_pid, sig) == 0; }
  /// Exit code; -1 if it had to be killed after `seconds`.
  int wait(double seconds) {
    if (m_pid < 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    return -1;
  }

private:
  pid_t m_pid = -1;
};

inline std::filesystem::path scratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ferrum-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// The first word of `file` once it exists and is non-empty; "" after `seconds`.
inline std::string waitForWord(const std::filesystem::path& file, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string word;
    std::ifstream(file) >> word;
    if (!word.empty()) return word;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

inline std::string readText(const std::filesystem::path& file) {
  std::stringstream text;
  text << std::ifstream(file).rdbuf();
  return text.str();
}

} // namespace testing_support
