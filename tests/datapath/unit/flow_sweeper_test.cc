// Idle flows end after idle_timeout, closed TCP flows after closed_timeout,
// each reported once with its final totals. Entries the kernel's LRU drops
// on its own are noticed: evicted live flows are counted and ended.
#include "flows/datapath/flow_sweeper.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <algorithm>
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
                                        std::uint8_t flags = 0, std::uint64_t first_seen_s = 1) {
  flows_key k{};
  k.ip_version = 4;
  k.l4_proto = proto;
  k.sport = sport;
  flows_stats s{};
  s.first_seen_ns = first_seen_s * 1'000'000'000;
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

constexpr std::uint64_t kSecond = 1'000'000'000;

std::vector<std::uint16_t> Ports(const std::vector<Flow>& flows, Reasons reasons) {
  std::vector<std::uint16_t> out;
  for (const auto& f : flows)
    if (f.reasons == reasons) out.push_back(f.src_port);
  std::sort(out.begin(), out.end());
  return out;
}

class EvictionTest : public ::testing::Test {
 protected:
  void SetUp() override { clock.now_ns = 100 * kSecond; }
  std::vector<Flow> Sweep() {
    auto ended = sweeper.Sweep();
    EXPECT_TRUE(ended.ok());
    return ended.ok() ? *ended : std::vector<Flow>{};
  }
  FakeTable table;
  testing::FakeClock clock;
  RecordDecoder decoder{clock};
  FlowSweeper sweeper{table, clock, decoder, {std::chrono::seconds(30), std::chrono::seconds(3)}};
};

TEST_F(EvictionTest, ALiveEntryGoneFromTheTableIsCountedAndEnded) {
  table.entries = {Entry(IPPROTO_UDP, 1, 99), Entry(IPPROTO_UDP, 2, 99)};
  EXPECT_TRUE(Sweep().empty());
  table.entries.pop_back();  // the LRU evicted port 2, seen a second ago
  clock.now_ns += kSecond;
  const auto ended = Sweep();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reasons, FLOWS_REASON_FLOW_END | FLOWS_REASON_EVICTED);
  EXPECT_EQ(ended[0].src_port, 2);
  EXPECT_EQ(ended[0].packets, 2u) << "the totals last seen";
  EXPECT_EQ(ended[0].time, clock.KernelToWall(clock.now_ns));
  EXPECT_EQ(sweeper.evicted(), 1u);
  EXPECT_TRUE(Sweep().empty()) << "reported once";
  EXPECT_EQ(sweeper.evicted(), 1u);
}

TEST_F(EvictionTest, AnEntryCreatedAndEvictedBetweenTwoWalksIsKnownFromItsNewFlowRecord) {
  auto [key, st] = Entry(IPPROTO_TCP, 7, 100, FLOWS_TCP_SYN, 100);
  sweeper.OnNewEntry(key, st);  // its NEW_FLOW record; the table never showed it
  const auto ended = Sweep();
  EXPECT_EQ(Ports(ended, FLOWS_REASON_FLOW_END | FLOWS_REASON_EVICTED), std::vector<std::uint16_t>{7});
  EXPECT_EQ(sweeper.evicted(), 1u);
}

TEST_F(EvictionTest, ANewFlowRecordSeenDuringTheWalkWaitsForTheNextOne) {
  // The walk may have passed the entry's bucket before it was inserted:
  // only the next walk can say it is gone.
  auto [key, st] = Entry(IPPROTO_UDP, 8, 100, 0, 100);
  table.entries = {};
  struct NotingTable final : FlowTable {
    FakeTable& inner;
    FlowSweeper* sweeper = nullptr;
    std::pair<flows_key, flows_stats> note;
    explicit NotingTable(FakeTable& t) : inner(t) {}
    Result<std::vector<std::pair<flows_key, flows_stats>>> Snapshot() override {
      auto out = inner.Snapshot();
      if (sweeper) sweeper->OnNewEntry(note.first, note.second);  // arrives mid-walk
      sweeper = nullptr;
      inner.entries.push_back(note);  // and is in the table for the next walk
      return out;
    }
    std::optional<flows_stats> Remove(const flows_key& k) override { return inner.Remove(k); }
  } noting(table);
  FlowSweeper s(noting, clock, decoder, {});
  noting.sweeper = &s;
  noting.note = {key, st};
  auto first = s.Sweep();
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->empty());
  auto second = s.Sweep();
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty()) << "it was in the table all along";
  EXPECT_EQ(s.evicted(), 0u);
}

TEST_F(EvictionTest, AKeyStartedAgainAfterAnEvictionIsTwoFlows) {
  table.entries = {Entry(IPPROTO_UDP, 3, 99, 0, 90)};
  Sweep();
  // Evicted, then a packet of the same 5-tuple made a new entry.
  table.entries = {Entry(IPPROTO_UDP, 3, 100, 0, 100)};
  clock.now_ns += kSecond;
  const auto ended = Sweep();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reasons, FLOWS_REASON_FLOW_END | FLOWS_REASON_EVICTED);
  EXPECT_EQ(ended[0].first_seen, clock.KernelToWall(90 * kSecond)) << "the old entry ends";
  EXPECT_EQ(sweeper.evicted(), 1u);
  // Same with a second NEW_FLOW record for a key we know.
  auto [key, st] = Entry(IPPROTO_UDP, 3, 101, 0, 101);
  sweeper.OnNewEntry(key, st);
  table.entries = {{key, st}};
  clock.now_ns += kSecond;
  EXPECT_EQ(Ports(Sweep(), FLOWS_REASON_FLOW_END | FLOWS_REASON_EVICTED), std::vector<std::uint16_t>{3});
  EXPECT_EQ(sweeper.evicted(), 2u);
}

TEST_F(EvictionTest, AnExpiredEntryTheLruTookFirstEndsNormallyWithoutALoss) {
  table.entries = {Entry(IPPROTO_UDP, 4, 71)};  // 29 s idle: not yet expired
  Sweep();
  table.entries.clear();  // the LRU took it in the last second of its timeout... and later
  clock.now_ns += 2 * kSecond;
  const auto ended = Sweep();
  EXPECT_EQ(Ports(ended, FLOWS_REASON_FLOW_END), std::vector<std::uint16_t>{4});
  EXPECT_EQ(sweeper.evicted(), 0u) << "it had expired: its totals are final, nothing was lost";
}

TEST_F(EvictionTest, ALateNewFlowRecordOfAnEntryWeExpiredIsIgnored) {
  // A backlog after a restart: the record of an entry created long ago.
  auto [key, st] = Entry(IPPROTO_UDP, 5, 10, 0, 10);
  sweeper.OnNewEntry(key, st);
  EXPECT_TRUE(Sweep().empty());
  EXPECT_EQ(sweeper.evicted(), 0u);
}

TEST_F(EvictionTest, AnEntryGoneBetweenTheWalkAndItsRemovalStillEnds) {
  struct VanishingTable final : FlowTable {
    FakeTable& inner;
    explicit VanishingTable(FakeTable& t) : inner(t) {}
    Result<std::vector<std::pair<flows_key, flows_stats>>> Snapshot() override { return inner.Snapshot(); }
    std::optional<flows_stats> Remove(const flows_key&) override { return std::nullopt; }
  } vanishing(table);
  table.entries = {Entry(IPPROTO_UDP, 6, 10), Entry(IPPROTO_UDP, 6, 10)};  // a restarted walk: twice
  FlowSweeper s(vanishing, clock, decoder, {});
  auto ended = s.Sweep();
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(Ports(*ended, FLOWS_REASON_FLOW_END), std::vector<std::uint16_t>{6})
      << "once, with the walk's totals";
}

TEST_F(EvictionTest, ExpiredEntriesWeRemoveAreNeverCountedAsEvicted) {
  table.entries = {Entry(IPPROTO_UDP, 9, 99)};
  Sweep();
  clock.now_ns += 40 * kSecond;
  EXPECT_EQ(Ports(Sweep(), FLOWS_REASON_FLOW_END), std::vector<std::uint16_t>{9});
  clock.now_ns += kSecond;
  EXPECT_TRUE(Sweep().empty());
  EXPECT_EQ(sweeper.evicted(), 0u);
}

TEST_F(EvictionTest, NewEntriesRememberedBetweenSweepsAreBounded) {
  // A storm of new entries between two sweeps: at most kMaxNotedEntries are
  // remembered (each one the table no longer holds counts once).
  for (std::uint32_t i = 0; i < FlowSweeper::kMaxNotedEntries + 100; ++i) {
    auto [key, st] = Entry(IPPROTO_UDP, 1, 100, 0, 100);
    key.ifindex = i;
    sweeper.OnNewEntry(key, st);
  }
  const auto ended = Sweep();
  EXPECT_EQ(ended.size(), FlowSweeper::kMaxNotedEntries);
  EXPECT_EQ(sweeper.evicted(), FlowSweeper::kMaxNotedEntries);
}

}  // namespace
}  // namespace flows::datapath
