#pragma once
// Command-line pieces shared by the executables.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace app {

/// "host:port" -> parts. False (with a message) when malformed.
bool parseHostPort(const std::string& text, std::string& host, uint16_t& port, std::string& error);

/// Adds --log-level and returns where it is stored; call applyLogLevel after parsing.
std::string& addLogLevelOption(CLI::App& cli, const std::string& defaultLevel);
bool applyLogLevel(const std::string& level, std::string& error);

} // namespace app
