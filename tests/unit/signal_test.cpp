// ferrum::Signal: several listeners without chaining, detach by Subscription, either
// side destroyed first, changes during an emit.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "ferrum/signal.h"

using ferrum::Signal;
using ferrum::Subscription;

TEST(Signal, EveryListenerRunsInTheOrderAdded) {
  Signal<int> signal;
  std::vector<int> calls;
  Subscription a = signal.listen([&](int v) { calls.push_back(v); });
  Subscription b = signal.listen([&](int v) { calls.push_back(v * 10); });
  signal.emit(3);
  EXPECT_EQ(calls, (std::vector<int>{3, 30}));
}

TEST(Signal, DestroyingTheSubscriptionDetaches) {
  Signal<> signal;
  int calls = 0;
  {
    Subscription sub = signal.listen([&] { ++calls; });
    signal.emit();
  }
  signal.emit();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(signal.listenerCount(), 0u);
}

TEST(Signal, SubscriptionMayOutliveTheSignal) {
  Subscription sub;
  {
    Signal<> signal;
    sub = signal.listen([] {});
    EXPECT_TRUE(sub.attached());
  }
  sub.reset(); // the signal is gone: nothing to detach, no crash
  EXPECT_FALSE(sub.attached());
}

TEST(Signal, ListenersAddedDuringAnEmitRunFromTheNextOne) {
  Signal<> signal;
  int late = 0;
  std::vector<Subscription> subs;
  subs.push_back(signal.listen([&] { subs.push_back(signal.listen([&] { ++late; })); }));
  signal.emit();
  EXPECT_EQ(late, 0);
  signal.emit();
  EXPECT_EQ(late, 1);
}

TEST(Signal, AListenerRemovedDuringAnEmitDoesNotRun) {
  Signal<> signal;
  int second = 0;
  Subscription b;
  Subscription a = signal.listen([&] { b.reset(); });
  b = signal.listen([&] { ++second; });
  signal.emit();
  EXPECT_EQ(second, 0);
  EXPECT_EQ(signal.listenerCount(), 1u);
}

TEST(Signal, NestedEmitReachesEveryListenerOnce) {
  Signal<int> signal;
  std::vector<int> calls;
  Subscription a = signal.listen([&](int depth) {
    calls.push_back(depth);
    if (depth == 0) signal.emit(1);
  });
  Subscription b = signal.listen([&](int depth) { calls.push_back(100 + depth); });
  signal.emit(0);
  EXPECT_EQ(calls, (std::vector<int>{0, 1, 101, 100}));
}
