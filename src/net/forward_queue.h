#pragma once
// Server side: client-owned state waiting to be forwarded, per receiving link. A
// receiver gets at most one forwarded packet per NetConfig::forwardWindowMs: state for
// a receiver that got none within the last window leaves at once (no added delay
// while traffic is sparse); what comes sooner waits until the window since that
// packet has passed and then leaves together, one packet carrying several owners'
// sections (wire::StateSection) instead of one packet per owner's update. A window of
// 0 sends each section as it comes, as its own packet.

#include <map>
#include <memory>
#include <vector>

#include "ferrum/transport.h"
#include "wire/messages.h"

namespace ferrum {

/// One owner's accepted blocks of one of its packets, as forwarded: its origin tick and
/// its place on the server's timeline. Shared by every receiver's queue.
struct ForwardSection {
  PeerId origin = kNoPeer;
  uint32_t originTick = 0;
  uint32_t senderTick = 0;
  std::vector<wire::StateBlock> blocks;
};
using ForwardSectionPtr = std::shared_ptr<const ForwardSection>;

class ForwardQueue {
public:
  explicit ForwardQueue(double windowSeconds) : m_window(windowSeconds) {}

  /// Windows run on the time frame() is given (which may be a caller's simulated clock)
  /// plus, between frames, what `clockNow` (NetManager's clock) says has passed since.
  void onFrame(double frameTime, double clockNow) {
    m_frameTime = frameTime;
    m_clockAtFrame = clockNow;
    m_framed = true;
  }
  double now(double clockNow) const { return m_framed ? m_frameTime + (clockNow - m_clockAtFrame) : clockNow; }

  /// Queues `section` for `to`: due at once if `to` was sent nothing within the last
  /// window, else when that window ends (or with what is already queued for it).
  void add(LinkId to, ForwardSectionPtr section, double now);
  /// Removes and returns, per receiver, what is due at `now` (everything if `all`), in
  /// arrival order.
  std::vector<std::pair<LinkId, std::vector<ForwardSectionPtr>>> takeDue(double now, bool all = false);
  /// Seconds from `now` until the earliest window closes; negative when nothing waits.
  double secondsUntilDue(double now) const;
  void drop(LinkId link) {
    m_pending.erase(link);
    m_lastSent.erase(link);
  }
  bool empty() const { return m_pending.empty(); }

private:
  struct Pending {
    double due = 0;
    std::vector<ForwardSectionPtr> sections;
  };
  double m_window;
  double m_frameTime = 0, m_clockAtFrame = 0;
  bool m_framed = false;
  std::map<LinkId, Pending> m_pending;
  std::map<LinkId, double> m_lastSent; ///< when each receiver's newest packet was taken; pruned after a window
};

/// Writes sections[first...] into `out` (which already holds the packet's header, whose
/// senderTick, origin and originTick must be those of sections[first]) as the header's
/// own blocks and then further sections, while they fit in `maxBytes`. Returns the
/// index after the last section begun; at least one more than `first` (the first
/// section's blocks that do not fit are left out, as any state packet's are).
size_t writeForwardSections(WriteStream& out, const std::vector<ForwardSectionPtr>& sections, size_t first,
                            size_t maxBytes);

} // namespace ferrum
