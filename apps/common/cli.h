#pragma once
// Command-line pieces shared by the executables.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace app {

/// "host:port" -> parts. False (with a message) when malformed.
bool parseHostPort(const std::string& text, std::string& host, uint16_t& port, std::string& error);

/// Adds the options every executable has: --version (prints `program`, ferrum's
/// version and the protocol version, then exits 0) and --log-level, whose value it
/// returns; call applyLogLevel with it after parsing.
std::string& addStandardOptions(CLI::App& cli, const std::string& program, const std::string& defaultLevel);
bool applyLogLevel(const std::string& level, std::string& error);

} // namespace app
