// ferrum's log lines belong to the game: a sink receives the library's own lines at
// the level the game chose, and nothing below it; by default only warnings and up.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ferrum/host.h"
#include "ferrum/log.h"
#include "tests/support/probe_controller.h"

using namespace ferrum;

namespace {

struct Captured {
  std::vector<std::pair<LogLevel, std::string>> lines;
  bool has(LogLevel level, const std::string& part) const {
    for (const auto& [at, line] : lines)
      if (at == level && line.find(part) != std::string::npos) return true;
    return false;
  }
};

/// A server and a client in memory; the client joins (the library logs it at info).
void joinInMemory() {
  MemoryNetwork network;
  double now = 0;
  std::string error;
  auto def = [&](Role role, uint16_t port) {
    HostDef d;
    d.net.role = role;
    d.types.add(testing_support::kProbeType, testing_support::probeType());
    d.memoryNetwork = &network;
    d.memoryPort = port;
    d.clock = [&] { return now; };
    return d;
  };
  auto server = Host::create(def(Role::Server, 1), error);
  auto client = Host::create(def(Role::Client, 2), error);
  ASSERT_TRUE(server && client) << error;
  ASSERT_TRUE(client->connect("mem", 1));
  for (int i = 0; i < 60 && !client->joined(); ++i) {
    now += 1.0 / 60;
    server->step(0);
    client->step(0);
  }
  ASSERT_TRUE(client->joined());
}

class LogTest : public ::testing::Test {
protected:
  void SetUp() override {
    setLogSink([this](LogLevel level, std::string_view line) { captured.lines.emplace_back(level, line); });
  }
  void TearDown() override {
    setLogSink({});
    setLogLevel(LogLevel::Warn);
  }
  Captured captured;
};

} // namespace

TEST_F(LogTest, TheDefaultLevelKeepsInfoLinesOut) {
  EXPECT_EQ(logLevel(), LogLevel::Warn);
  joinInMemory();
  EXPECT_FALSE(captured.has(LogLevel::Info, "joined")) << "info lines are not delivered at the default level";
}

TEST_F(LogTest, TheGamesSinkGetsTheLibrarysLinesAtItsLevel) {
  setLogLevel(LogLevel::Info);
  joinInMemory();
  EXPECT_TRUE(captured.has(LogLevel::Info, "client 1 joined")) << "server side";
  EXPECT_TRUE(captured.has(LogLevel::Info, "joined as client 1")) << "client side";
}

TEST(Log, LevelNamesRoundTrip) {
  for (LogLevel level : {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error,
                         LogLevel::Off}) {
    LogLevel parsed = LogLevel::Off;
    ASSERT_TRUE(parseLogLevel(logLevelName(level), parsed));
    EXPECT_EQ(parsed, level);
  }
  LogLevel parsed = LogLevel::Off;
  EXPECT_TRUE(parseLogLevel("warning", parsed));
  EXPECT_EQ(parsed, LogLevel::Warn);
  EXPECT_FALSE(parseLogLevel("loud", parsed));
}
