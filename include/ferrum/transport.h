#pragma once
/// The link between peers. NetManager talks only to this interface: ENet over UDP is
/// the real one (enet_transport.h), an in-memory one makes unit tests deterministic.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ferrum {

/// A transport's name for a connected remote peer (not a PeerId slot).
using LinkId = uint32_t;
constexpr LinkId kNoLink = 0;

enum class Channel : uint8_t {
  State = 0,    ///< unreliable, newest wins
  Reliable = 1, ///< reliable and ordered: spawn, despawn, join, leave, events
};
constexpr int kChannelCount = 2;

struct TransportEvent {
  enum class Type : uint8_t { Connected, Disconnected, Received };
  Type type = Type::Received;
  LinkId link = kNoLink;
  Channel channel = Channel::State;
  /// Connected: the connect data the remote sent. Disconnected: the reason code
  /// (0 = timed out or no reason given).
  uint32_t data = 0;
  std::vector<uint8_t> payload;
};

/// What a transport dropped or closed before the application saw it (hostile or broken
/// traffic), totals since it started. All zero for transports that cannot tell.
struct TransportCounters {
  uint64_t garbageDatagrams = 0;  ///< datagrams that are not the transport's protocol (dropped)
  uint64_t connectsRefused = 0;   ///< connection attempts dropped: too many half-open from that address
  uint64_t halfOpenReaped = 0;    ///< connections whose handshake never completed in time (reset)
  uint64_t hoardersDropped = 0;   ///< links dropped for holding data behind a gap that never filled
  uint64_t hoardedBytes = 0;      ///< bytes those links held when dropped
};

/// Where a link's datagrams come from (empty host if the transport cannot tell).
struct RemoteAddress {
  std::string host; ///< e.g. "192.168.1.20"
  uint16_t port = 0;
};

struct LinkStats {
  float rttMs = 0;
  float rttVarianceMs = 0;
  float lossRatio = 0; ///< transport's own estimate, 0..1
};

class Transport {
public:
  virtual ~Transport() = default;

  /// Returns the next event, waiting up to `timeoutMs` for one. False if none came.
  virtual bool service(TransportEvent& event, uint32_t timeoutMs) = 0;
  /// Queues `bytes` to `link` on `channel`. Unknown links are ignored.
  virtual void send(LinkId link, Channel channel, std::span<const uint8_t> bytes) = 0;
  /// Starts a connection; the outcome arrives as a Connected or Disconnected event.
  /// Returns kNoLink if the attempt could not even start (bad address, no free slot).
  virtual LinkId connect(const std::string& host, uint16_t port, uint32_t connectData) = 0;
  /// Politely closes `link`, telling the other side `reason`.
  virtual void disconnect(LinkId link, uint32_t reason) = 0;
  /// Closes `link` with `reason` once what is already queued to it has been delivered
  /// (disconnect() may drop it). The default suits transports that deliver in order
  /// anyway: it disconnects at once.
  virtual void disconnectWhenSent(LinkId link, uint32_t reason) { disconnect(link, reason); }
  /// Pushes queued packets out now.
  virtual void flush() = 0;
  virtual LinkStats stats(LinkId link) const = 0;
  /// Bytes queued to `link` and not yet acknowledged (0 if the transport cannot tell).
  virtual size_t queuedBytes(LinkId link) const {
    (void)link;
    return 0;
  }
  /// The remote end of `link`, for per-address policies such as a kicked client's
  /// cooling-off.
  virtual RemoteAddress remoteAddress(LinkId link) const {
    (void)link;
    return {};
  }
  virtual TransportCounters counters() const { return {}; }
};

} // namespace ferrum
