#pragma once
// The product on the bench: a real server NetManager and a real client NetManager
// (Hosts over the in-memory transport, with a link simulator whose one-way latency
// sets the ack age and whose loss drops acks), carrying the frames' cube states as
// entities whose authority reads them from the frame. What is counted is what the
// transport carried: headers, framing, acks and the join burst.

#include <memory>

#include "pipelines.h"

namespace ferrum::bench {

std::unique_ptr<Pipeline> makeLivePipeline(int packetsPerSecond, const AckModel& acks, size_t maxPacketBytes,
                                           double budgetKbps = 0, bool optimistic = false);

} // namespace ferrum::bench
