#pragma once
// Command-line pieces shared by the executables.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace app {

/// What every tool's exit code means (README, "Exit codes").
enum ExitCode : int {
  kExitDone = 0,    ///< did what it was asked (including --help and --version)
  kExitFailure = 1, ///< could not: lost the server, never joined, a file not written...
  kExitUsage = 2,   ///< bad command line: unknown option, a number out of range
};

/// Parses the command line. False when the program must stop now, with `exitCode`
/// set: 0 after --help / --version, kExitUsage (and the reason on stderr) after a
/// usage error. CLI11's own codes (105, 106...) are not used.
bool parseCommandLine(CLI::App& cli, int argc, char** argv, int& exitCode);

/// A number that must be finite and within [min, max]. (CLI::Range lets NaN through:
/// every comparison with NaN is false.)
CLI::Validator finiteRange(double min, double max);

/// "host:port" -> parts. False (with a message) when malformed.
bool parseHostPort(const std::string& text, std::string& host, uint16_t& port, std::string& error);

/// Adds the options every executable has: --version (prints `program`, ferrum's
/// version and the protocol version, then exits 0) and --log-level, whose value it
/// returns; call applyLogLevel with it after parsing.
std::string& addStandardOptions(CLI::App& cli, const std::string& program, const std::string& defaultLevel);
bool applyLogLevel(const std::string& level, std::string& error);

} // namespace app
