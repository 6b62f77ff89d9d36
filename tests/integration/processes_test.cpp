// The real executables as separate processes on 127.0.0.1: one ferrum-server and two
// ferrum-clients for a few seconds; their --stats-json output is checked.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;
namespace fs = std::filesystem;

namespace {

const fs::path kApps = FERRUM_APPS_DIR;

struct Process {
  pid_t pid = -1;
  explicit Process(std::vector<std::string> args, const fs::path& stderrFile = {}) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!stderrFile.empty())
      posix_spawn_file_actions_addopen(&actions, 2, stderrFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  /// Exit code, or -1 if it had to be killed after `seconds`.
  int wait(double seconds) {
    if (pid < 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    pid = -1;
    return -1;
  }
  ~Process() {
    if (pid > 0) wait(0);
  }
};

fs::path scratchDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ferrum-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string waitForPort(const fs::path& file, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string port;
    std::ifstream(file) >> port;
    if (!port.empty()) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

} // namespace

TEST(Processes, ServerAndTwoClientsReportConsistentStatistics) {
  const fs::path dir = scratchDir("procs");
  Process server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                  (dir / "port").string(), "--duration", "7", "--crates", "20", "--log-level", "warn",
                  "--stats-json", (dir / "server.json").string()});
  ASSERT_GT(server.pid, 0);
  const std::string port = waitForPort(dir / "port", 20);
  ASSERT_FALSE(port.empty()) << "server never listened";
  Process a({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "4", "--bot-seed", "1",
             "--log-level", "warn", "--stats-json", (dir / "a.json").string()});
  Process b({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "4", "--bot-seed", "2",
             "--log-level", "warn", "--stats-json", (dir / "b.json").string()});
  EXPECT_EQ(a.wait(60), 0);
  EXPECT_EQ(b.wait(60), 0);
  ASSERT_EQ(server.wait(60), 0);

  const auto ja = readJson(dir / "a.json");
  const auto jb = readJson(dir / "b.json");
  ASSERT_FALSE(ja.is_discarded() || jb.is_discarded());
  const int thrown = ja["grenadesThrown"].get<int>() + jb["grenadesThrown"].get<int>();
  const auto s = readJson(dir / "server.json");
  ASSERT_FALSE(s.is_discarded());
  EXPECT_EQ(s["role"], "server");
  EXPECT_GT(s["tick"].get<int>(), 60);
  EXPECT_EQ(s["counters"]["clientsJoined"], 2);
  EXPECT_EQ(s["counters"]["clientsLeft"], 2) << "both said goodbye";
  EXPECT_EQ(s["entitiesByType"]["crate"], 20);
  EXPECT_EQ(s["entitiesByType"].count("player"), 0u) << "departed players are removed";
  EXPECT_EQ(s["entitiesSeen"], 22 + thrown) << "20 crates + 2 players + the bots' grenades";
  ASSERT_EQ(s["peers"].size(), 2u);
  for (const auto& p : s["peers"]) {
    EXPECT_GT(p["packetsSent"].get<int>(), 30);
    EXPECT_GT(p["packetsReceived"].get<int>(), 30);
    EXPECT_GT(p["bytesSent"].get<int>(), p["bytesReceived"].get<int>()) << "crates flow down, one player up";
    EXPECT_EQ(p["malformed"], 0);
    EXPECT_EQ(p["rejected"], 0);
    EXPECT_TRUE(p.contains("rttMs"));
  }
  for (const char* name : {"a.json", "b.json"}) {
    const auto c = readJson(dir / name);
    ASSERT_FALSE(c.is_discarded()) << name;
    EXPECT_EQ(c["role"], "client");
    EXPECT_TRUE(c["joined"].get<bool>());
    EXPECT_GE(c["self"].get<int>(), 1);
    EXPECT_GE(c["entitiesSeen"], 22) << name << ": every crate and both players";
    EXPECT_LE(c["entitiesSeen"], 22 + thrown) << name;
    EXPECT_GT(c["counters"]["blocksApplied"].get<int>(), 100);
    ASSERT_EQ(c["peers"].size(), 1u);
    EXPECT_EQ(c["peers"][0]["id"], 0);
  }
  fs::remove_all(dir);
}

TEST(Processes, ClientWithWrongProtocolIsRefusedAndSaysWhy) {
  const fs::path dir = scratchDir("refuse");
  Process server({(kApps / "ferrum-server").string(), "--bind", "127.0.0.1", "--port", "0", "--port-file",
                  (dir / "port").string(), "--duration", "4", "--crates", "0", "--log-level", "warn", "--stats-json",
                  (dir / "server.json").string()},
                 dir / "server.err");
  const std::string port = waitForPort(dir / "port", 20);
  ASSERT_FALSE(port.empty());
  Process client({(kApps / "ferrum-client").string(), "--connect", "127.0.0.1:" + port, "--duration", "3",
                  "--protocol-version", "999", "--log-level", "warn"},
                 dir / "client.err");
  EXPECT_EQ(client.wait(60), 1);
  ASSERT_EQ(server.wait(60), 0);
  std::stringstream clientErr, serverErr;
  clientErr << std::ifstream(dir / "client.err").rdbuf();
  serverErr << std::ifstream(dir / "server.err").rdbuf();
  EXPECT_NE(clientErr.str().find("protocol version mismatch"), std::string::npos) << clientErr.str();
  EXPECT_NE(serverErr.str().find("client speaks protocol 999"), std::string::npos) << serverErr.str();
  EXPECT_EQ(readJson(dir / "server.json")["counters"]["connectionsRefused"], 1);
  fs::remove_all(dir);
}
