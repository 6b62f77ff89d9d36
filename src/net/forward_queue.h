#pragma once
// Server side: client-owned state waiting to be forwarded, per receiving link. What
// arrives for a receiver within NetConfig::forwardWindowMs of the first item queued
// for it leaves together: one packet carrying several owners' sections (wire::
// StateSection) instead of one packet per owner's update. A window of 0 sends each
// section as it comes, as its own packet.

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

  /// Queues `section` for `to`; its window opens now if nothing is queued for it yet.
  void add(LinkId to, ForwardSectionPtr section, double now);
  /// Removes and returns, per receiver, what is due at `now` (everything if `all`), in
  /// arrival order.
  std::vector<std::pair<LinkId, std::vector<ForwardSectionPtr>>> takeDue(double now, bool all = false);
  /// Seconds from `now` until the earliest window closes; negative when nothing waits.
  double secondsUntilDue(double now) const;
  void drop(LinkId link) { m_pending.erase(link); }
  bool empty() const { return m_pending.empty(); }

private:
  struct Pending {
    double due = 0;
    std::vector<ForwardSectionPtr> sections;
  };
  double m_window;
  std::map<LinkId, Pending> m_pending;
};

/// Writes sections[first...] into `out` (which already holds the packet's header, whose
/// senderTick, origin and originTick must be those of sections[first]) as the header's
/// own blocks and then further sections, while they fit in `maxBytes`. Returns the
/// index after the last section begun; at least one more than `first` (the first
/// section's blocks that do not fit are left out, as any state packet's are).
size_t writeForwardSections(WriteStream& out, const std::vector<ForwardSectionPtr>& sections, size_t first,
                            size_t maxBytes);

} // namespace ferrum
