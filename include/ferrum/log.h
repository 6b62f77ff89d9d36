#pragma once
/// ferrum's log lines belong to the game: it chooses how much it wants (setLogLevel)
/// and where the lines go (setLogSink). By default only warnings and errors are
/// written, to standard error. Lines are plain text, one event each, no newline.
///
///     ferrum::setLogLevel(ferrum::LogLevel::Info);
///     ferrum::setLogSink([](ferrum::LogLevel level, std::string_view line) {
///       myGameConsole.print(ferrum::logLevelName(level), line);
///     });

#include <cstdint>
#include <functional>
#include <string_view>

namespace ferrum {

enum class LogLevel : uint8_t { Trace, Debug, Info, Warn, Error, Off };

/// "trace", "debug", "info", "warn", "error" or "off".
const char* logLevelName(LogLevel level);
/// The inverse of logLevelName (also accepts "warning"); false for anything else.
bool parseLogLevel(std::string_view text, LogLevel& level);

/// Lines below `level` are neither formatted nor delivered. Default: Warn.
void setLogLevel(LogLevel level);
LogLevel logLevel();

/// Receives every line at or above the level, with its level, on the thread that
/// logged it (a peer's own thread: ferrum does not start threads). Must not call back
/// into ferrum's logging.
using LogSink = std::function<void(LogLevel level, std::string_view line)>;
/// Routes ferrum's lines to `sink`; an empty sink restores the default (standard
/// error, "ferrum [warn] line"). Set it before starting peers: it is not synchronized.
void setLogSink(LogSink sink);

} // namespace ferrum
