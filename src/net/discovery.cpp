#include "ferrum/discovery.h"

#include <enet/enet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "ferrum/clock.h"

namespace ferrum {

namespace {

constexpr std::string_view kRequestMagic = "FERRUM?1\n";
constexpr std::string_view kAnswerMagic = "FERRUM!1\n";
constexpr size_t kMaxAnswerBytes = 512;
constexpr int kRequestSends = 3;          // UDP may drop one; answers are de-duplicated
constexpr double kResendInterval = 0.25; // s

bool initEnet() {
  static const bool ok = enet_initialize() == 0; // process-wide; a no-op on POSIX
  return ok;
}

/// Keeps a value on one line and within `limit` characters.
std::string clean(const std::string& text, size_t limit) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit) break;
    out += (c == '\n' || c == '\r' || c == '=' || static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out;
}

template <class T>
bool parseNumber(std::string_view text, T& out, long long lo, long long hi) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) return false;
  out = static_cast<T>(value);
  return true;
}

std::string hostText(const ENetAddress& address) {
  char text[64] = {};
  if (enet_address_get_host_ip(&address, text, sizeof(text)) != 0) return "?";
  return text;
}

} // namespace

std::vector<uint8_t> encodeDiscoveryRequest() {
  std::vector<uint8_t> bytes(kDiscoveryRequestBytes, 0);
  std::memcpy(bytes.data(), kRequestMagic.data(), kRequestMagic.size());
  return bytes;
}

bool isDiscoveryRequest(std::span<const uint8_t> bytes) {
  return bytes.size() >= kDiscoveryRequestBytes &&
         std::memcmp(bytes.data(), kRequestMagic.data(), kRequestMagic.size()) == 0;
}

std::vector<uint8_t> encodeServerInfo(const ServerInfo& info) {
  std::string text(kAnswerMagic);
  text += "name=" + clean(info.name, kMaxServerNameChars) + "\n";
  text += "map=" + clean(info.map, 32) + "\n";
  text += "players=" + std::to_string(std::clamp(info.players, 0, 9999)) + "\n";
  text += "max=" + std::to_string(std::clamp(info.maxPlayers, 0, 9999)) + "\n";
  text += "protocol=" + std::to_string(info.protocol) + "\n";
  text += "port=" + std::to_string(info.gamePort) + "\n";
  return {text.begin(), text.end()};
}

bool decodeServerInfo(std::span<const uint8_t> bytes, ServerInfo& info) {
  if (bytes.size() > kMaxAnswerBytes || bytes.size() < kAnswerMagic.size()) return false;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!text.starts_with(kAnswerMagic)) return false;
  ServerInfo out;
  bool hasPort = false;
  size_t at = kAnswerMagic.size();
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    if (end == std::string_view::npos) return false; // every line ends with a newline
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    bool ok = true;
    if (key == "name") out.name = clean(std::string(value), kMaxServerNameChars);
    else if (key == "map") out.map = clean(std::string(value), 32);
    else if (key == "players") ok = parseNumber(value, out.players, 0, 9999);
    else if (key == "max") ok = parseNumber(value, out.maxPlayers, 0, 9999);
    else if (key == "protocol") ok = parseNumber(value, out.protocol, 0, 65535);
    else if (key == "port") ok = hasPort = parseNumber(value, out.gamePort, 1, 65535);
    if (!ok) return false;
  }
  if (!hasPort) return false;
  info = out;
  return true;
}

std::unique_ptr<DiscoveryResponder> DiscoveryResponder::open(uint16_t port, std::string& error) {
  if (!initEnet()) {
    error = "enet_initialize failed";
    return nullptr;
  }
  const ENetSocket s = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
  if (s == ENET_SOCKET_NULL) {
    error = "discovery: cannot create a UDP socket";
    return nullptr;
  }
  enet_socket_set_option(s, ENET_SOCKOPT_REUSEADDR, 1);
  enet_socket_set_option(s, ENET_SOCKOPT_NONBLOCK, 1);
  ENetAddress address{ENET_HOST_ANY, port};
  if (enet_socket_bind(s, &address) != 0 || enet_socket_get_address(s, &address) != 0) {
    enet_socket_destroy(s);
    error = "discovery: cannot bind UDP port " + std::to_string(port);
    return nullptr;
  }
  return std::unique_ptr<DiscoveryResponder>(new DiscoveryResponder(s, address.port));
}

DiscoveryResponder::~DiscoveryResponder() { enet_socket_destroy(m_socket); }

void DiscoveryResponder::poll(const std::function<ServerInfo()>& describe) {
  // Bounded: a flood of requests cannot keep the game loop here.
  for (int i = 0; i < 64; ++i) {
    uint8_t data[kDiscoveryRequestBytes + 64];
    ENetBuffer buffer{data, sizeof(data)};
    ENetAddress from{};
    const int got = enet_socket_receive(m_socket, &from, &buffer, 1);
    if (got == 0) return; // nothing waiting
    if (got < 0) continue; // an oversized datagram (already consumed) or ICMP noise
    if (!isDiscoveryRequest({data, static_cast<size_t>(got)})) continue;
    std::vector<uint8_t> answer = encodeServerInfo(describe());
    ENetBuffer out{answer.data(), answer.size()};
    if (enet_socket_send(m_socket, &from, &out, 1) > 0) ++m_answered;
  }
}

DiscoveryFinder::~DiscoveryFinder() {
  if (m_socket >= 0) enet_socket_destroy(m_socket);
}

bool DiscoveryFinder::start(const std::string& target, uint16_t port, std::string& error) {
  if (m_socket >= 0) enet_socket_destroy(m_socket);
  m_socket = -1;
  m_found.clear();
  if (!initEnet()) {
    error = "enet_initialize failed";
    return false;
  }
  ENetAddress to{};
  if (enet_address_set_host(&to, target.c_str()) != 0) {
    error = "discovery: cannot resolve '" + target + "'";
    return false;
  }
  const ENetSocket s = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
  if (s == ENET_SOCKET_NULL) {
    error = "discovery: cannot create a UDP socket";
    return false;
  }
  enet_socket_set_option(s, ENET_SOCKOPT_NONBLOCK, 1);
  enet_socket_set_option(s, ENET_SOCKOPT_BROADCAST, 1);
  ENetAddress any{ENET_HOST_ANY, 0};
  if (enet_socket_bind(s, &any) != 0) {
    enet_socket_destroy(s);
    error = "discovery: cannot bind a UDP socket";
    return false;
  }
  m_socket = s;
  m_targetHost = to.host;
  m_targetPort = port;
  m_sends = 0;
  m_nextSend = 0;
  sendRequest();
  return true;
}

void DiscoveryFinder::sendRequest() {
  std::vector<uint8_t> request = encodeDiscoveryRequest();
  ENetBuffer buffer{request.data(), request.size()};
  ENetAddress to{m_targetHost, m_targetPort};
  enet_socket_send(m_socket, &to, &buffer, 1);
  ++m_sends;
  m_nextSend = ferrum::steadySeconds() + kResendInterval;
}

void DiscoveryFinder::poll(uint32_t waitMs) {
  if (m_socket < 0) return;
  if (m_sends < kRequestSends && ferrum::steadySeconds() >= m_nextSend) sendRequest();
  enet_uint32 condition = ENET_SOCKET_WAIT_RECEIVE;
  if (enet_socket_wait(m_socket, &condition, waitMs) != 0 || !(condition & ENET_SOCKET_WAIT_RECEIVE)) return;
  for (int i = 0; i < 64; ++i) {
    uint8_t data[kMaxAnswerBytes + 1];
    ENetBuffer buffer{data, sizeof(data)};
    ENetAddress from{};
    const int got = enet_socket_receive(m_socket, &from, &buffer, 1);
    if (got == 0) return;
    if (got < 0) continue;
    ServerInfo info;
    if (!decodeServerInfo({data, static_cast<size_t>(got)}, info)) continue;
    info.address = hostText(from);
    const bool known = std::any_of(m_found.begin(), m_found.end(), [&](const ServerInfo& s) {
      return s.address == info.address && s.gamePort == info.gamePort;
    });
    if (!known) m_found.push_back(info);
  }
}

bool findServers(const std::string& target, uint16_t port, double seconds, std::vector<ServerInfo>& found,
                 std::string& error) {
  DiscoveryFinder finder;
  if (!finder.start(target, port, error)) return false;
  const double deadline = ferrum::steadySeconds() + seconds;
  for (double now = ferrum::steadySeconds(); now < deadline; now = ferrum::steadySeconds())
    finder.poll(static_cast<uint32_t>(std::min(50.0, (deadline - now) * 1000.0)) + 1);
  found = finder.found();
  return true;
}

} // namespace ferrum
