#include "client_cost_command.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "apps/common/stats_json.h"
#include "ferrum/clock.h"

namespace ferrum::bench {

namespace {

pid_t start(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

/// utime + stime of a process, seconds; < 0 if it cannot be read.
double cpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  const size_t close = line.rfind(')'); // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

bool waitForFile(const std::string& path, double seconds) {
  const double until = steadySeconds() + seconds;
  while (steadySeconds() < until) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void sleepSeconds(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

int waitExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

int runClientCostCommand(const ClientCostCommand& cmd) {
  const std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  const std::string serverExe = (dir / "ferrum-server").string(), clientExe = (dir / "ferrum-client").string();
  for (const std::string& exe : {serverExe, clientExe})
    if (access(exe.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "ferrum-bench client-cost: %s not found (it runs the executables beside ferrum-bench)\n",
                   exe.c_str());
      return 2;
    }
  const std::filesystem::path tmp =
      std::filesystem::temp_directory_path() / ("ferrum-client-cost-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);
  nlohmann::json report = nlohmann::json::array();
  std::printf("%7s %9s %9s %10s %12s %9s %9s\n", "crates", "entities", "client %", "client t/s", "us/entity/s",
              "server %", "joined");
  int result = 0;
  for (int crates : cmd.crates) {
    const std::string portFile = (tmp / ("port-" + std::to_string(crates))).string();
    const std::string statsFile = (tmp / ("client-" + std::to_string(crates) + ".json")).string();
    const double total = cmd.settleSeconds + cmd.seconds;
    std::fprintf(stderr, "ferrum-bench client-cost: %d crates: server and one client for %.0f s...\n", crates, total + 2);
    const pid_t server = start({serverExe, "--bind", "127.0.0.1", "--port", "0", "--port-file", portFile, "--crates",
                                std::to_string(crates), "--scenario", cmd.scenario, "--duration",
                                std::to_string(total + 4), "--log-level", "warn"});
    if (server < 0 || !waitForFile(portFile, 15)) {
      std::fprintf(stderr, "ferrum-bench client-cost: the server did not start\n");
      if (server > 0) kill(server, SIGTERM), waitExit(server);
      return 1;
    }
    std::string port;
    std::ifstream(portFile) >> port;
    const pid_t client = start({clientExe, "--connect", "127.0.0.1:" + port, "--no-player", "--scenario", cmd.scenario, "--duration",
                                std::to_string(total + 1), "--stats-json", statsFile, "--log-level", "warn"});
    const double clientStart = steadySeconds();
    sleepSeconds(cmd.settleSeconds);
    const double c0 = cpuSeconds(client), s0 = cpuSeconds(server), t0 = steadySeconds() - clientStart;
    sleepSeconds(cmd.seconds);
    const double c1 = cpuSeconds(client), s1 = cpuSeconds(server), t1 = steadySeconds() - clientStart;
    const int clientExit = waitExit(client);
    kill(server, SIGTERM); // our own child; it drains and exits
    waitExit(server);
    std::ifstream in(statsFile);
    const nlohmann::json stats = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    // Ticks per second from the client's own timeline samples inside the window.
    double ticksPerSecond = 0;
    size_t entities = 0;
    bool joined = false;
    if (stats.is_object()) {
      joined = stats.value("joined", false);
      entities = stats.value("liveEntities", size_t{0});
      double ta = -1, tb = -1;
      double ka = 0, kb = 0;
      for (const auto& s : stats["timeline"]) {
        const double t = s["t"].get<double>();
        if (t < t0 || t > t1) continue;
        if (ta < 0) ta = t, ka = s["tick"].get<double>();
        tb = t, kb = s["tick"].get<double>();
      }
      if (tb > ta && ta >= 0) ticksPerSecond = (kb - ka) / (tb - ta);
    }
    const double clientShare = c0 >= 0 && c1 >= 0 ? (c1 - c0) / (t1 - t0) : -1;
    const double serverShare = s0 >= 0 && s1 >= 0 ? (s1 - s0) / (t1 - t0) : -1;
    const double usPerEntity = entities > 0 && clientShare >= 0 ? clientShare * 1e6 / static_cast<double>(entities) : 0;
    std::printf("%7d %9zu %8.1f%% %10.1f %12.1f %8.1f%% %9s\n", crates, entities, 100 * clientShare, ticksPerSecond,
                usPerEntity, 100 * serverShare, joined ? "yes" : "NO");
    std::fflush(stdout);
    report.push_back({{"crates", crates},
                      {"scenario", cmd.scenario},
                      {"client_entities", entities},
                      {"client_cpu_share", clientShare},
                      {"client_ticks_per_second", ticksPerSecond},
                      {"client_cpu_us_per_entity_per_second", usPerEntity},
                      {"server_cpu_share", serverShare},
                      {"joined", joined},
                      {"client_exit", clientExit},
                      {"window_seconds", t1 - t0}});
    if (!joined || clientExit != 0) result = 1;
  }
  std::filesystem::remove_all(tmp);
  std::printf("(client %%: CPU of the ferrum-client process, share of one core, from /proc/PID/stat over the window; "
              "client t/s: its ticks per second from its stats timeline; us/entity/s: client CPU microseconds per "
              "second per entity it holds)\n");
  if (!cmd.json.empty()) {
    std::string error;
    if (!app::writeJson(cmd.json, report, error)) {
      std::fprintf(stderr, "ferrum-bench client-cost: %s\n", error.c_str());
      return 2;
    }
  }
  return result;
}

} // namespace ferrum::bench
