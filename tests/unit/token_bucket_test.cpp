// TokenBucket: the referee's packet and spawn limits and the state bandwidth budget
// all stand on these refill and take rules.

#include <gtest/gtest.h>

#include "net/token_bucket.h"

using ferrum::TokenBucket;

TEST(TokenBucket, AFullBucketAllowsItsCapacityAtOnceThenNothingUntilTheClockMoves) {
  TokenBucket bucket = TokenBucket::full(3, 0.5f, 10);
  EXPECT_EQ(bucket.tokens(), 3.0f);
  EXPECT_TRUE(bucket.take());
  EXPECT_TRUE(bucket.take());
  EXPECT_TRUE(bucket.take());
  EXPECT_FALSE(bucket.take()) << "the burst is spent";
  bucket.refill(10);
  EXPECT_FALSE(bucket.take()) << "no step passed: nothing added";
  bucket.refill(11);
  EXPECT_EQ(bucket.tokens(), 0.5f);
  EXPECT_FALSE(bucket.take()) << "half a token is not one; a failed take takes nothing";
  EXPECT_EQ(bucket.tokens(), 0.5f);
  bucket.refill(12);
  EXPECT_TRUE(bucket.take());
  EXPECT_EQ(bucket.tokens(), 0.0f);
}

TEST(TokenBucket, RefillCountsEveryStepSinceTheLastOneAndStopsAtTheCapacity) {
  TokenBucket bucket = TokenBucket::empty(4, 1, 100);
  EXPECT_EQ(bucket.tokens(), 0.0f);
  bucket.refill(102);
  EXPECT_EQ(bucket.tokens(), 2.0f) << "two steps since it was made";
  bucket.refill(1000);
  EXPECT_EQ(bucket.tokens(), 4.0f) << "capped";
  EXPECT_TRUE(bucket.take(4));
  bucket.refill(1001);
  EXPECT_EQ(bucket.tokens(), 1.0f) << "the steps while it was full were not banked";
}

TEST(TokenBucket, ASteadyRateGetsThroughAtExactlyThatRate) {
  // 4 per second on a 60 Hz clock with a burst of 8, like the default spawn limit.
  TokenBucket bucket = TokenBucket::full(8, 4.0f / 60, 0);
  int taken = 0;
  for (uint32_t tick = 0; tick <= 600; ++tick) { // try every tick for ten seconds
    bucket.refill(tick);
    taken += bucket.take();
  }
  EXPECT_GE(taken, 8 + 39);
  EXPECT_LE(taken, 8 + 40);
}

TEST(TokenBucket, SpendingMoreThanThereIsLeavesADebtThatRefillsRepayFirst) {
  TokenBucket bucket = TokenBucket::empty(200, 100, 0);
  bucket.refill(1);
  bucket.spend(250);
  EXPECT_EQ(bucket.tokens(), -150.0f);
  EXPECT_FALSE(bucket.take());
  bucket.refill(2);
  EXPECT_EQ(bucket.tokens(), -50.0f);
  bucket.refill(3);
  EXPECT_EQ(bucket.tokens(), 50.0f);
}

TEST(TokenBucket, AClockThatMovesBackAddsNothingAndCountsOnFromThere) {
  TokenBucket bucket = TokenBucket::empty(10, 1, 50);
  bucket.refill(40);
  EXPECT_EQ(bucket.tokens(), 0.0f);
  bucket.refill(43);
  EXPECT_EQ(bucket.tokens(), 3.0f);
}

TEST(TokenBucket, ADefaultBucketNeverGivesAToken) {
  TokenBucket bucket;
  bucket.refill(1000000);
  EXPECT_FALSE(bucket.take());
  EXPECT_EQ(bucket.capacity(), 0.0f);
}
