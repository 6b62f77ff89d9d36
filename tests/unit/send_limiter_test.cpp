#include <gtest/gtest.h>

#include <deque>

#include "net/send_limiter.h"

using ferrum::SendLimiter;

namespace {
// Sends in each window of `tickHz` consecutive ticks, over `seconds` seconds.
int maxSendsInAnySecond(int tickHz, int sendHz, int seconds, int* total) {
  SendLimiter limiter(tickHz, sendHz);
  std::deque<bool> window;
  int inWindow = 0, worst = 0;
  *total = 0;
  for (int t = 0; t < tickHz * seconds; ++t) {
    const bool sent = limiter.tick();
    *total += sent;
    window.push_back(sent);
    inWindow += sent;
    if (static_cast<int>(window.size()) > tickHz) {
      inWindow -= window.front();
      window.pop_front();
    }
    worst = std::max(worst, inWindow);
  }
  return worst;
}
} // namespace

TEST(SendLimiter, SixtyTicksThirtySendsIsEveryOtherTick) {
  SendLimiter limiter(60, 30);
  std::vector<bool> pattern;
  for (int i = 0; i < 6; ++i) pattern.push_back(limiter.tick());
  EXPECT_EQ(pattern, (std::vector<bool>{false, true, false, true, false, true}));
}

TEST(SendLimiter, NeverExceedsTheRateInAnyOneSecondWindow) {
  for (auto [tickHz, sendHz] : std::vector<std::pair<int, int>>{{60, 30}, {60, 25}, {60, 20}, {30, 30}, {100, 30}, {144, 7}}) {
    int total = 0;
    const int worst = maxSendsInAnySecond(tickHz, sendHz, 10, &total);
    EXPECT_LE(worst, sendHz) << tickHz << "/" << sendHz;
    EXPECT_EQ(total, sendHz * 10) << "and it sends exactly the rate on average";
  }
}
