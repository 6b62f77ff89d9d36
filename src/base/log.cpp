#include "base/log.h"

#include <cstdio>

namespace ferrum {

namespace {
LogLevel g_level = LogLevel::Warn;
LogSink g_sink;
constexpr const char* kNames[] = {"trace", "debug", "info", "warn", "error", "off"};
} // namespace

const char* logLevelName(LogLevel level) {
  const auto i = static_cast<size_t>(level);
  return i < std::size(kNames) ? kNames[i] : "?";
}

bool parseLogLevel(std::string_view text, LogLevel& level) {
  if (text == "warning") text = "warn";
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (text == kNames[i]) {
      level = static_cast<LogLevel>(i);
      return true;
    }
  return false;
}

void setLogLevel(LogLevel level) { g_level = level; }
LogLevel logLevel() { return g_level; }
void setLogSink(LogSink sink) { g_sink = std::move(sink); }

namespace log {

bool enabled(LogLevel level) { return level != LogLevel::Off && level >= g_level; }

void deliver(LogLevel level, const std::string& line) {
  if (g_sink) {
    g_sink(level, line);
    return;
  }
  std::fprintf(stderr, "ferrum [%s] %s\n", logLevelName(level), line.c_str());
}

} // namespace log
} // namespace ferrum
