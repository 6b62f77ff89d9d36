#include "apps/common/cli.h"

#include "ferrum/log.h"
#include "ferrum/net_config.h"
#include "ferrum/version.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <exception>

namespace app {

bool parseHostPort(const std::string& text, std::string& host, uint16_t& port, std::string& error) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    error = "expected HOST:PORT, got '" + text + "'";
    return false;
  }
  host = text.substr(0, colon);
  unsigned value = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || value == 0 || value > 65535) {
    error = "bad port in '" + text + "' (expected 1..65535)";
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

bool parseCommandLine(CLI::App& cli, int argc, char** argv, int& exitCode) {
  try {
    cli.parse(argc, argv);
    return true;
  } catch (const CLI::Success& done) { // --help, --version
    exitCode = cli.exit(done);
    return false;
  } catch (const CLI::ParseError& bad) {
    cli.exit(bad); // prints the reason
    exitCode = kExitUsage;
    return false;
  }
}

CLI::Validator finiteRange(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double value = 0;
        try {
          size_t used = 0;
          value = std::stod(text, &used);
          if (used != text.size()) return "'" + text + "' is not a number";
        } catch (const std::exception&) {
          return "'" + text + "' is not a number";
        }
        if (!std::isfinite(value) || value < min || value > max)
          return "'" + text + "' is not within [" + CLI::detail::to_string(min) + ", " + CLI::detail::to_string(max) + "]";
        return {};
      },
      "FINITE in [" + CLI::detail::to_string(min) + " - " + CLI::detail::to_string(max) + "]");
}

std::string& addStandardOptions(CLI::App& cli, const std::string& program, const std::string& defaultLevel) {
  cli.set_version_flag("--version", program + " " + ferrum::version() + " (protocol " +
                                        std::to_string(ferrum::protocolVersion()) + ")");
  static std::string level;
  level = defaultLevel;
  cli.add_option("--log-level", level, "trace, debug, info, warn, error or off")->capture_default_str();
  return level;
}

bool applyLogLevel(const std::string& level, std::string& error) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    error = "unknown log level '" + level + "'";
    return false;
  }
  // Logs go to stderr: stdout carries status lines and tables.
  static auto logger = spdlog::stderr_color_mt("ferrum");
  spdlog::set_default_logger(logger);
  spdlog::set_level(parsed);
  // The library's lines join the tools' own, at the same level and in the same format.
  static constexpr ferrum::LogLevel kFromSpdlog[] = {ferrum::LogLevel::Trace, ferrum::LogLevel::Debug,
                                                     ferrum::LogLevel::Info,  ferrum::LogLevel::Warn,
                                                     ferrum::LogLevel::Error, ferrum::LogLevel::Error, // critical
                                                     ferrum::LogLevel::Off};
  ferrum::setLogLevel(kFromSpdlog[static_cast<size_t>(parsed)]);
  ferrum::setLogSink([](ferrum::LogLevel at, std::string_view line) {
    static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::trace, spdlog::level::debug,
                                                            spdlog::level::info,  spdlog::level::warn,
                                                            spdlog::level::err,   spdlog::level::off};
    spdlog::log(kLevels[static_cast<size_t>(at)], "{}", line);
  });
  return true;
}

} // namespace app
