// MemoryTransport hands a caller's old payload storage back to the next send to that
// endpoint (what a NetManager keeps across service() calls): the bytes must still be
// exactly each message's, whatever the storage held before.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ferrum/memory_transport.h"

using namespace ferrum;

namespace {
std::vector<uint8_t> bytesOf(size_t length, uint8_t first) {
  std::vector<uint8_t> out(length);
  for (size_t i = 0; i < length; ++i) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

// Endpoint 1 (`a`) connected to endpoint 2 (`b`), whose connect event has been read.
class MemoryTransportPair : public ::testing::Test {
protected:
  void SetUp() override {
    link = a.connect("", 2, 0);
    ASSERT_TRUE(b.service(event, 0));
    ASSERT_EQ(event.type, TransportEvent::Type::Connected);
  }
  MemoryNetwork network;
  MemoryTransport& a = network.endpoint(1);
  MemoryTransport& b = network.endpoint(2);
  LinkId link = kNoLink;
  TransportEvent event; ///< b's, kept across calls as NetManager keeps its own
};
} // namespace

TEST_F(MemoryTransportPair, AMessageInAnEarlierOnesStorageCarriesExactlyItsOwnBytes) {

  // Long, short, long, empty, short: the event is kept across calls, as NetManager does.
  const std::vector<std::vector<uint8_t>> messages = {bytesOf(100, 1), bytesOf(7, 50), bytesOf(300, 9), {},
                                                      bytesOf(3, 200)};
  for (const auto& m : messages) {
    a.send(link, Channel::Reliable, m);
    ASSERT_TRUE(b.service(event, 0));
    EXPECT_EQ(event.type, TransportEvent::Type::Received);
    EXPECT_EQ(event.channel, Channel::Reliable);
    EXPECT_EQ(event.payload, m);
  }
  EXPECT_FALSE(b.service(event, 0));
}

TEST_F(MemoryTransportPair, ASendToAnEndpointFillsTheStorageItsReaderHandedBack) {
  a.send(link, Channel::Reliable, bytesOf(100, 1));
  ASSERT_TRUE(b.service(event, 0));
  const uint8_t* firstStorage = event.payload.data();
  a.send(link, Channel::Reliable, bytesOf(60, 2));
  ASSERT_TRUE(b.service(event, 0)); // hands the first message's storage back
  a.send(link, Channel::Reliable, bytesOf(80, 3));
  ASSERT_TRUE(b.service(event, 0));
  EXPECT_EQ(event.payload.data(), firstStorage); // no allocation for it
  EXPECT_EQ(event.payload, bytesOf(80, 3));
}
