#pragma once
// The library's own logging calls (base layer: every layer may log): fmt formatting,
// done only when the game's level wants the line, delivered to the game's sink
// (include/ferrum/log.h). Private: games
// never see fmt through ferrum's headers.

#include <fmt/format.h>

#include <string>
#include <utility>

#include "ferrum/log.h"

namespace ferrum::log {

bool enabled(LogLevel level);
void deliver(LogLevel level, const std::string& line);

template <class... Args>
void at(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level)) deliver(level, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void trace(fmt::format_string<Args...> f, Args&&... a) { at(LogLevel::Trace, f, std::forward<Args>(a)...); }
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) { at(LogLevel::Debug, f, std::forward<Args>(a)...); }
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... a) { at(LogLevel::Info, f, std::forward<Args>(a)...); }
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... a) { at(LogLevel::Warn, f, std::forward<Args>(a)...); }
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... a) { at(LogLevel::Error, f, std::forward<Args>(a)...); }

} // namespace ferrum::log
