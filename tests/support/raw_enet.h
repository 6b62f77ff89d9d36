#pragma once
// Test-only: UDP datagrams in ENet 1.3's wire format that no ENet host would send
// (a connect request that is never completed, bytes that are not ENet at all), from
// plain sockets bound to a loopback address of the test's choosing. The layout is
// ENet's documented one (<enet/protocol.h>): big-endian fields, a 4-byte header
// (peer id with flags, sent time) and one CONNECT command.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace testing_support {

/// A UDP socket on `sourceIp` (loopback only: 127.x.y.z), ephemeral port.
class RawUdp {
public:
  explicit RawUdp(const std::string& sourceIp) {
    m_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (m_fd < 0 || inet_pton(AF_INET, sourceIp.c_str(), &local.sin_addr) != 1 ||
        (ntohl(local.sin_addr.s_addr) >> 24) != 127 ||
        ::bind(m_fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0)
      close();
  }
  RawUdp(const RawUdp&) = delete;
  RawUdp& operator=(const RawUdp&) = delete;
  ~RawUdp() { close(); }
  bool ok() const { return m_fd >= 0; }

  /// Sends `bytes` to 127.0.0.1:`port`.
  bool sendToLoopback(uint16_t port, const std::vector<uint8_t>& bytes) const {
    if (m_fd < 0) return false;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::sendto(m_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
           static_cast<ssize_t>(bytes.size());
  }
  /// Reads and discards whatever the server answered (its handshake replies).
  void drain() const {
    uint8_t buffer[2048];
    for (int i = 0; i < 256 && m_fd >= 0 && ::recv(m_fd, buffer, sizeof buffer, 0) > 0; ++i) {
    }
  }

private:
  void close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  int m_fd = -1;
};

/// Big-endian writer for the datagrams below.
struct WireBytes {
  std::vector<uint8_t> bytes;
  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
};

/// An ENet CONNECT request for two channels: what a client sends first. `connectId`
/// tells attempts apart (ENet ignores a repeat of one it holds); `connectData` is
/// the application's word (ferrum: protocol and game id).
inline std::vector<uint8_t> enetConnectRequest(uint32_t connectId, uint32_t connectData, uint16_t sentTime) {
  constexpr uint16_t kNoPeerYet = 0x0FFF;  // the peer id of a datagram from an unknown sender
  constexpr uint16_t kHasSentTime = 0x8000;
  constexpr uint8_t kConnect = 2;
  constexpr uint8_t kAcknowledgeMe = 0x80;
  WireBytes w;
  w.u16(kNoPeerYet | kHasSentTime);
  w.u16(sentTime);
  w.u8(kConnect | kAcknowledgeMe);
  w.u8(0xFF); // channel: none (a connection command)
  w.u16(1);   // reliable sequence number
  w.u16(0);   // the peer id we would give the server
  w.u8(0xFF); // incoming session: any
  w.u8(0xFF); // outgoing session: any
  w.u32(1400);  // MTU
  w.u32(32768); // window size
  w.u32(2);     // channels
  w.u32(0);     // incoming bandwidth: unlimited
  w.u32(0);     // outgoing bandwidth: unlimited
  w.u32(5000);  // packet throttle interval (ms)
  w.u32(2);     // throttle acceleration
  w.u32(2);     // throttle deceleration
  w.u32(connectId);
  w.u32(connectData);
  return w.bytes;
}

/// Datagrams ENet drops as not ENet: too short for a header, and a header naming a
/// peer id far past any host's peer count.
inline std::vector<uint8_t> tooShortDatagram() { return {0x42}; }
inline std::vector<uint8_t> unknownPeerDatagram() {
  WireBytes w;
  w.u16(0x0FFE); // peer 4094: no host of ours has that many
  w.u8(5);       // a PING command header
  w.u8(0xFF);
  w.u16(7);
  return w.bytes;
}

} // namespace testing_support
