#include "flows/common/backoff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace flows {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesToTheCapAndResets) {
  Backoff b({.initial = 100ms, .max = 1000ms, .factor = 2.0, .jitter = 0.0});
  std::vector<std::chrono::milliseconds> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.Next());
  EXPECT_THAT(got, ::testing::ElementsAre(100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms));
  b.Reset();
  EXPECT_EQ(b.Next(), 100ms);
}

TEST(Backoff, JitterOnlyStretchesWithinItsFraction) {
  Backoff b({.initial = 1000ms, .max = 1000ms, .factor = 2.0, .jitter = 0.5}, 42);
  bool varied = false;
  std::chrono::milliseconds first = b.Next();
  for (int i = 0; i < 50; ++i) {
    std::chrono::milliseconds d = b.Next();
    EXPECT_GE(d, 1000ms);
    EXPECT_LE(d, 1500ms);
    varied |= d != first;
  }
  EXPECT_TRUE(varied);
}

TEST(RealSleeper, WakesOnStop) {
  RealSleeper s;
  std::stop_source stop;
  stop.request_stop();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(s.SleepFor(10s, stop.get_token()));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(s.SleepFor(1ms, std::stop_source().get_token()));
}

TEST(Backoff, ZeroInitialDelayStillWaits) {
  Backoff b({.initial = 0ms, .max = 0ms, .factor = 2.0, .jitter = 0.0});
  EXPECT_EQ(b.Next(), 1ms) << "a zero delay would retry in a tight loop";
  EXPECT_EQ(b.Next(), 1ms);
}

}  // namespace
}  // namespace flows
