// wire::MessageBatch / readBatch: several whole reliable messages in one packet, each
// read back byte for byte, and anything that is not exactly one well-formed batch
// refused whole.

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "wire/message_batch.h"
#include "wire/messages.h"

using namespace ferrum;

namespace {

std::vector<uint8_t> spawnMessage(uint32_t counter) {
  wire::Spawn s;
  s.id = EntityId::make(kServerPeer, counter);
  s.type = 1;
  s.authority = kServerPeer;
  s.state.transform.position = {1.0f * static_cast<float>(counter), 2.0f, 3.0f};
  return wire::encodeMessage(wire::MessageType::Spawn, s, wire::PrecisionOf{});
}

std::vector<uint8_t> batchOf(const std::vector<std::vector<uint8_t>>& messages) {
  wire::MessageBatch batch;
  for (const auto& m : messages) EXPECT_TRUE(batch.add(m));
  return batch.take();
}

} // namespace

TEST(MessageBatch, MessagesComeBackWholeAndInOrder) {
  std::vector<std::vector<uint8_t>> messages;
  for (uint32_t i = 1; i <= 20; ++i) messages.push_back(spawnMessage(i));
  const std::vector<uint8_t> packet = batchOf(messages);
  std::vector<std::span<const uint8_t>> read;
  ASSERT_TRUE(wire::readBatch(packet, read));
  ASSERT_EQ(read.size(), messages.size());
  for (size_t i = 0; i < read.size(); ++i)
    EXPECT_TRUE(std::equal(read[i].begin(), read[i].end(), messages[i].begin(), messages[i].end())) << i;
  // The packet reads as a Spawns message to whoever reads a reliable message's type.
  ReadStream in(packet);
  uint32_t type = 0;
  ASSERT_TRUE(wire::readMessageType(in, type));
  EXPECT_EQ(type, static_cast<uint32_t>(wire::MessageType::Spawns));
}

TEST(MessageBatch, AddRefusesWhatCannotBeCarried) {
  wire::MessageBatch batch;
  EXPECT_FALSE(batch.add({}));
  const std::vector<uint8_t> tooLong(wire::kMaxBatchedMessageBytes + 1, 0x20);
  EXPECT_FALSE(batch.add(tooLong));
  EXPECT_EQ(batch.count(), 0u);
  EXPECT_TRUE(batch.take().empty());
  const std::vector<uint8_t> one = spawnMessage(1);
  for (size_t i = 0; i < wire::kMaxBatchedMessages; ++i) ASSERT_TRUE(batch.add(one));
  EXPECT_FALSE(batch.add(one)) << "full";
  std::vector<std::span<const uint8_t>> read;
  EXPECT_TRUE(wire::readBatch(batch.take(), read));
  EXPECT_EQ(read.size(), wire::kMaxBatchedMessages);
}

TEST(MessageBatch, AnythingButOneWellFormedBatchIsRefusedWhole) {
  const std::vector<uint8_t> good = batchOf({spawnMessage(1), spawnMessage(2)});
  std::vector<std::span<const uint8_t>> read;
  ASSERT_TRUE(wire::readBatch(good, read));
  auto refused = [&](std::vector<uint8_t> bytes) {
    const bool ok = wire::readBatch(bytes, read);
    return !ok && read.empty();
  };
  EXPECT_TRUE(refused({}));
  EXPECT_TRUE(refused({good[0]}));
  EXPECT_TRUE(refused(spawnMessage(1))) << "a lone Spawn is not a batch";
  auto bad = good;
  bad[0] ^= 0xF0; // the four bits after the type
  EXPECT_TRUE(refused(bad)) << "bits after the type must be zero";
  bad = good;
  bad[1] = 0;
  EXPECT_TRUE(refused(bad)) << "no messages";
  bad = good;
  bad[1] = 3;
  EXPECT_TRUE(refused(bad)) << "a count beyond what is there";
  bad = good;
  bad[1] = 1;
  EXPECT_TRUE(refused(bad)) << "bytes after the last message";
  bad = good;
  bad[2] = 0;
  EXPECT_TRUE(refused(bad)) << "an empty message";
  bad = good;
  bad[2] = 0xFF;
  EXPECT_TRUE(refused(bad)) << "a length past the end";
  bad = good;
  bad.pop_back();
  EXPECT_TRUE(refused(bad)) << "cut short";
}
