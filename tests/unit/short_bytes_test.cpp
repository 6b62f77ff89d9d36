// ShortBytes: a copy that compares equal to exactly the bytes it was given, inline or
// on the heap, across reassignments between the two.

#include <gtest/gtest.h>

#include "net/short_bytes.h"

using namespace ferrum;

TEST(ShortBytes, EqualsExactlyWhatItWasGivenInlineOrNot) {
  ShortBytes copy;
  EXPECT_TRUE(copy == std::vector<uint8_t>{});
  const std::vector<uint8_t> shortOne{1, 2, 3};
  std::vector<uint8_t> longOne(ShortBytes::kInline + 9);
  for (size_t i = 0; i < longOne.size(); ++i) longOne[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> exactlyInline(ShortBytes::kInline, 0xAB);

  copy.assign(shortOne);
  EXPECT_TRUE(copy == shortOne);
  EXPECT_FALSE(copy == (std::vector<uint8_t>{1, 2, 4}));
  EXPECT_FALSE(copy == (std::vector<uint8_t>{1, 2}));
  copy.assign(longOne);
  EXPECT_TRUE(copy == longOne);
  EXPECT_FALSE(copy == shortOne);
  std::vector<uint8_t> changedAtEnd = longOne;
  changedAtEnd.back() ^= 1;
  EXPECT_FALSE(copy == changedAtEnd);
  copy.assign(exactlyInline);
  EXPECT_TRUE(copy == exactlyInline);
  EXPECT_FALSE(copy == longOne);
  copy.assign(shortOne); // back inline after the heap
  EXPECT_TRUE(copy == shortOne);
  EXPECT_EQ(copy.size(), 3u);
  copy.assign(nullptr, 0);
  EXPECT_TRUE(copy == std::vector<uint8_t>{});
}
