#pragma once
/// LAN discovery: a server answers small UDP requests (default port 27961) with what a
/// server browser shows; a finder sends one request (to the LAN broadcast by default)
/// and collects the answers for a while. Built on ENet's socket API.
///
/// Wire (text, so it is easy to inspect with tcpdump):
///   request:  "FERRUM?1\n" then zero padding up to kDiscoveryRequestBytes. The padding
///             makes a request at least as large as any answer, so a spoofed request
///             cannot turn a server into an amplifier.
///   answer:   "FERRUM!1\n" then "key=value\n" lines: name, map, players, max,
///             protocol, port (the game's UDP port). Unknown keys are ignored.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ferrum {

constexpr uint16_t kDefaultDiscoveryPort = 27961;
constexpr size_t kDiscoveryRequestBytes = 256;
constexpr size_t kMaxServerNameChars = 48;

struct ServerInfo {
  std::string address; ///< where the answer came from (filled by the finder)
  std::string name;
  std::string map;
  int players = 0;
  int maxPlayers = 0;
  uint16_t protocol = 0;
  uint16_t gamePort = 0;
};

std::vector<uint8_t> encodeDiscoveryRequest();
bool isDiscoveryRequest(std::span<const uint8_t> bytes);
std::vector<uint8_t> encodeServerInfo(const ServerInfo& info);
/// False if `bytes` is not a well-formed answer (never trusts lengths or numbers).
bool decodeServerInfo(std::span<const uint8_t> bytes, ServerInfo& info);

/// Server side: answers requests on a UDP port.
class DiscoveryResponder {
public:
  /// Binds 0.0.0.0:`port` (0: a free port) with SO_REUSEADDR, so several servers on one
  /// machine all hear a broadcast. Returns nullptr and fills `error` on failure.
  static std::unique_ptr<DiscoveryResponder> open(uint16_t port, std::string& error);
  ~DiscoveryResponder();
  DiscoveryResponder(const DiscoveryResponder&) = delete;
  DiscoveryResponder& operator=(const DiscoveryResponder&) = delete;

  /// Answers every waiting request with `describe()`; never blocks.
  void poll(const std::function<ServerInfo()>& describe);
  uint16_t boundPort() const { return m_port; }
  uint64_t answered() const { return m_answered; }

private:
  DiscoveryResponder(int socket, uint16_t port) : m_socket(socket), m_port(port) {}
  int m_socket;
  uint16_t m_port;
  uint64_t m_answered = 0;
};

/// Client side: asks once (re-sending a couple of times, UDP may drop) and collects.
class DiscoveryFinder {
public:
  ~DiscoveryFinder();
  /// Sends a request to `target` (host name or IPv4, e.g. "255.255.255.255"):`port`.
  /// False (with `error`) if the socket cannot be made or the target not resolved.
  bool start(const std::string& target, uint16_t port, std::string& error);
  /// Handles answers, waiting up to `waitMs` for the first; re-sends on schedule.
  void poll(uint32_t waitMs);
  bool active() const { return m_socket >= 0; }
  /// Distinct servers (by address and game port) answered so far.
  const std::vector<ServerInfo>& found() const { return m_found; }

private:
  void sendRequest();
  int m_socket = -1;
  uint32_t m_targetHost = 0;
  uint16_t m_targetPort = 0;
  int m_sends = 0;
  double m_nextSend = 0;
  std::vector<ServerInfo> m_found;
};

/// Blocking convenience for `ferrum-client --find`: everything found within `seconds`.
bool findServers(const std::string& target, uint16_t port, double seconds, std::vector<ServerInfo>& found,
                 std::string& error);

} // namespace ferrum
