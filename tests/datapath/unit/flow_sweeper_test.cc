// Idle flows end after idle_timeout, closed TCP flows after closed_timeout,
// each reported once with its final totals.
#include "flows/datapath/flow_sweeper.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "../../support/fake_clock.h"

namespace flows::datapath {
namespace {

class FakeTable final : public FlowTable {
 public:
  std::vector<std::pair<flows_key, flows_stats>> entries;
  Result<std::vector<std::pair<flows_key, flows_stats>>> Snapshot() override { return entries; }
  std::optional<flows_stats> Remove(const flows_key& key) override {
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (std::memcmp(&it->first, &key, sizeof(key)) == 0) {
        auto st = it->second;
        entries.erase(it);
        return st;
      }
    }
    return std::nullopt;
  }
};

std::pair<flows_key, flows_stats> Entry(std::uint8_t proto, std::uint16_t sport, std::uint64_t last_seen_s,
                                        std::uint8_t flags = 0) {
  flows_key k{};
  k.ip_version = 4;
  k.l4_proto = proto;
  k.sport = sport;
  flows_stats s{};
  s.last_seen_ns = last_seen_s * 1'000'000'000;
  s.packets = sport;  // distinguishable totals
  s.tcp_flags_seen = flags;
  return {k, s};
}

TEST(FlowSweeper, EndsOnlyIdleFlows) {
  FakeTable table;
  testing::FakeClock clock;
  RecordDecoder decoder(clock);
  table.entries = {Entry(IPPROTO_UDP, 1, 100), Entry(IPPROTO_UDP, 2, 70),
                   Entry(IPPROTO_TCP, 3, 96, FLOWS_TCP_FIN), Entry(IPPROTO_TCP, 4, 98, FLOWS_TCP_RST),
                   Entry(IPPROTO_TCP, 5, 96, FLOWS_TCP_SYN)};
  clock.now_ns = 100'000'000'000;
  FlowSweeper sweeper(table, clock, decoder, {std::chrono::seconds(30), std::chrono::seconds(3)});
  auto ended = sweeper.Sweep();
  ASSERT_TRUE(ended.ok());
  std::vector<std::uint16_t> ports;
  for (const auto& f : *ended) {
    EXPECT_EQ(f.reasons, FLOWS_REASON_FLOW_END);
    EXPECT_EQ(f.packets, f.src_port);
    EXPECT_EQ(f.time, clock.KernelToWall(clock.now_ns)) << "a flow end is an event of the sweep";
    EXPECT_LT(f.last_seen, f.time);
    ports.push_back(f.src_port);
  }
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{2, 3})) << "UDP idle 30s and TCP closed 4s ago";
  EXPECT_EQ(table.entries.size(), 3u);
  ended = sweeper.Sweep();
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(ended->empty()) << "each flow ends once";
}

TEST(FlowSweeper, FlowsFromTheFutureAreLeftAlone) {
  FakeTable table;
  testing::FakeClock clock;
  RecordDecoder decoder(clock);
  table.entries = {Entry(IPPROTO_UDP, 1, 200)};
  clock.now_ns = 100'000'000'000;
  FlowSweeper sweeper(table, clock, decoder, {});
  auto ended = sweeper.Sweep();
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(ended->empty());
}

}  // namespace
}  // namespace flows::datapath
