// The reflector's protocol against a scripted client: list then watch,
// pagination, bookmarks, 410 Gone (event and HTTP), reconnects with backoff.
#include "flows/flowd/k8s/reflector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "fake_api_client.h"
#include "flows/flowd/k8s/informer.h"

namespace flows::flowd::k8s {
namespace {

using namespace std::chrono_literals;
using testing::Bookmark;
using ::testing::ElementsAre;
using testing::Event;
using testing::FakeApiClient;
using testing::FakeSleeper;
using testing::Gone;
using testing::PodJson;

ListPage Page(std::vector<nlohmann::json> items, std::string rv, std::string cont = "") {
  return ListPage{std::move(items), std::move(rv), std::move(cont)};
}

// Records what the informer reports, as short strings.
struct Recorder {
  std::vector<std::string> log;
  InformerHandlers<Pod> Handlers() {
    return {.on_add =
                [this](const Pod& p) { log.push_back("add " + p.meta.name + "@" + p.meta.resource_version); },
            .on_update =
                [this](const Pod&, const Pod& p) {
                  log.push_back("update " + p.meta.name + "@" + p.meta.resource_version);
                },
            .on_delete = [this](const Pod& p) { log.push_back("delete " + p.meta.name); },
            .on_synced = [this] { log.push_back("synced"); },
            .on_decode_error = [this](const Error& e) { log.push_back("decode error: " + e.message); }};
  }
};

class ReflectorTest : public ::testing::Test {
 protected:
  ReflectorOptions Options() {
    ReflectorOptions o;
    o.resource = Resource::Pods();
    o.page_size = 2;
    o.watch_timeout_seconds = 60;
    o.backoff = {.initial = 100ms, .max = 1000ms, .factor = 2.0, .jitter = 0.0};
    o.on_error = [this](const Error& e) { errors.push_back(e.message); };
    return o;
  }
  void Run() {
    Reflector r(client, informer, Options(), sleeper);
    r.Run(stop.get_token());
    stats = r.stats();
    final_rv = r.resource_version();
  }

  std::stop_source stop;
  FakeApiClient client{stop};
  FakeSleeper sleeper;
  Recorder rec;
  Informer<Pod> informer{rec.Handlers()};
  std::vector<std::string> errors;
  ReflectorStats stats;
  std::string final_rv;
};

TEST_F(ReflectorTest, ListsThenWatchesFromTheListsResourceVersion) {
  client.lists.push_back(Page({PodJson("ns", "a", "5", "10.0.0.1")}, "7"));
  client.watches.push_back({{Event(EventType::kAdded, PodJson("ns", "b", "8", "10.0.0.2")),
                             Event(EventType::kModified, PodJson("ns", "a", "9", "10.0.0.3")),
                             Event(EventType::kDeleted, PodJson("ns", "b", "10"))}});
  Run();
  EXPECT_THAT(rec.log, ElementsAre("add a@5", "synced", "add b@8", "update a@9", "delete b"));
  ASSERT_EQ(client.watch_calls.size(), 2u);  // the second one exhausts the script
  EXPECT_EQ(client.watch_calls[0].resource_version, "7");
  EXPECT_TRUE(client.watch_calls[0].allow_bookmarks);
  EXPECT_EQ(client.watch_calls[0].timeout_seconds, 60);
  // The stream ended cleanly after progress: the next watch resumes at once
  // from the last event's resourceVersion.
  EXPECT_EQ(client.watch_calls[1].resource_version, "10");
  EXPECT_TRUE(sleeper.sleeps.empty());
  EXPECT_EQ(informer.size(), 1u);
  EXPECT_EQ(informer.Get("ns", "a")->pod_ips, std::vector<std::string>{"10.0.0.3"});
  EXPECT_EQ(stats.lists, 1u);
  EXPECT_EQ(stats.events, 3u);
}

TEST_F(ReflectorTest, FollowsContinueTokensAndDeliversOneCompleteList) {
  client.lists.push_back(Page({PodJson("ns", "a", "2"), PodJson("ns", "b", "3")}, "9", "tok1"));
  client.lists.push_back(Page({PodJson("ns", "c", "4"), PodJson("ns", "d", "5")}, "9", "tok2"));
  client.lists.push_back(Page({PodJson("ns", "e", "6")}, "9"));
  Run();
  ASSERT_EQ(client.list_calls.size(), 3u);
  EXPECT_EQ(client.list_calls[0].limit, 2);
  EXPECT_EQ(client.list_calls[0].continue_token, "");
  EXPECT_EQ(client.list_calls[1].continue_token, "tok1");
  EXPECT_EQ(client.list_calls[2].continue_token, "tok2");
  EXPECT_THAT(rec.log, ElementsAre("add a@2", "add b@3", "add c@4", "add d@5", "add e@6", "synced"));
  EXPECT_EQ(client.watch_calls.at(0).resource_version, "9");
}

TEST_F(ReflectorTest, ExpiredContinueTokenRestartsTheListFromAFreshSnapshot) {
  client.lists.push_back(Page({PodJson("ns", "a", "2"), PodJson("ns", "b", "3")}, "9", "tok1"));
  client.lists.push_back(Error{"list pods: HTTP 410 Gone", kErrGone});
  client.lists.push_back(Page({PodJson("ns", "b", "3"), PodJson("ns", "c", "12")}, "12"));
  Run();
  ASSERT_EQ(client.list_calls.size(), 3u);
  EXPECT_EQ(client.list_calls[2].continue_token, "");
  // Only the fresh snapshot is delivered; "a" from the abandoned first page
  // never shows.
  EXPECT_THAT(rec.log, ElementsAre("add b@3", "add c@12", "synced"));
  EXPECT_EQ(client.watch_calls.at(0).resource_version, "12");
}

TEST_F(ReflectorTest, BookmarkMovesTheResumePointWithoutCallbacks) {
  client.lists.push_back(Page({PodJson("ns", "a", "5")}, "5"));
  client.watches.push_back({{Bookmark("40")}, Error{"connection reset", ECONNRESET}});
  Run();
  EXPECT_THAT(rec.log, ElementsAre("add a@5", "synced"));
  ASSERT_EQ(client.watch_calls.size(), 2u);
  EXPECT_EQ(client.watch_calls[1].resource_version, "40");
  EXPECT_EQ(stats.bookmarks, 1u);
  EXPECT_EQ(final_rv, "40");
}

TEST_F(ReflectorTest, GoneErrorEventRelistsAndReportsOnlyTheDifferences) {
  client.lists.push_back(Page({PodJson("ns", "a", "5"), PodJson("ns", "b", "6")}, "6"));
  client.watches.push_back({{Event(EventType::kModified, PodJson("ns", "a", "7")), Gone(),
                             // Never delivered: the stream is abandoned at the ERROR.
                             Event(EventType::kAdded, PodJson("ns", "z", "8"))}});
  // The relist: b vanished, a changed again, c is new.
  client.lists.push_back(Page({PodJson("ns", "a", "20"), PodJson("ns", "c", "21")}, "22"));
  Run();
  EXPECT_THAT(rec.log, ElementsAre("add a@5", "add b@6", "synced", "update a@7", "delete b", "update a@20",
                                   "add c@21"));  // synced only once
  EXPECT_EQ(stats.gone_relists, 1u);
  EXPECT_EQ(stats.lists, 2u);
  EXPECT_TRUE(sleeper.sleeps.empty()) << "the watch had made progress: relist at once";
  EXPECT_EQ(client.watch_calls.at(1).resource_version, "22");
}

// Every complete list (not only the first) is handed over whole, after its
// differences: what the informer never saw (a registry restored from disk)
// can be pruned against it.
TEST(InformerTest, EveryCompleteListIsHandedOverWhole) {
  std::vector<std::string> log;
  InformerHandlers<Pod> h;
  h.on_add = [&](const Pod& p) { log.push_back("add " + p.meta.name); };
  h.on_delete = [&](const Pod& p) { log.push_back("delete " + p.meta.name); };
  h.on_synced = [&] { log.push_back("synced"); };
  h.on_relist = [&](const std::vector<Pod>& pods) {
    std::string names;
    for (const Pod& p : pods) names += " " + p.meta.name;
    log.push_back("relist" + names);
  };
  Informer<Pod> informer(h);
  informer.Replace({PodJson("ns", "a", "5"), PodJson("ns", "b", "6"), nlohmann::json{{"metadata", 3}}}, "6");
  informer.Replace({PodJson("ns", "b", "6")}, "9");
  EXPECT_THAT(log, ElementsAre("add a", "add b", "relist a b", "synced", "delete a", "relist b"));
}

TEST_F(ReflectorTest, HttpGoneOnWatchRelists) {
  client.lists.push_back(Page({PodJson("ns", "a", "5")}, "5"));
  client.watches.push_back({{}, Error{"watch pods: HTTP 410 Gone", kErrGone}});
  client.lists.push_back(Page({PodJson("ns", "a", "5")}, "30"));
  Run();
  EXPECT_EQ(client.list_calls.size(), 2u);
  EXPECT_EQ(stats.gone_relists, 1u);
  EXPECT_THAT(rec.log, ElementsAre("add a@5", "synced"));  // unchanged object: no update
  // Gone before anything arrived since the list: back off before listing.
  EXPECT_THAT(sleeper.sleeps, ElementsAre(100ms));
  EXPECT_EQ(client.watch_calls.at(1).resource_version, "30");
}

TEST_F(ReflectorTest, ReconnectsWithExponentialBackoffAndResumes) {
  client.lists.push_back(Page({}, "5"));
  client.watches.push_back({{Event(EventType::kAdded, PodJson("ns", "a", "6"))}, Error{"reset", ECONNRESET}});
  for (int i = 0; i < 5; ++i)
    client.watches.push_back({{}, Error{"connect: Connection refused", ECONNREFUSED}});
  client.watches.push_back({{Event(EventType::kAdded, PodJson("ns", "b", "7"))}, Error{"reset", ECONNRESET}});
  client.watches.push_back({{}, Error{"connect: Connection refused", ECONNREFUSED}});
  Run();
  // After progress the backoff starts over; otherwise it doubles up to max.
  EXPECT_THAT(sleeper.sleeps, ElementsAre(100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms, 100ms, 200ms));
  ASSERT_EQ(client.watch_calls.size(), 9u);  // the last one exhausts the script
  for (std::size_t i = 1; i < 7; ++i) EXPECT_EQ(client.watch_calls[i].resource_version, "6") << i;
  EXPECT_EQ(client.watch_calls[8].resource_version, "7");
  EXPECT_EQ(client.list_calls.size(), 1u) << "a disconnect resumes the watch, it does not relist";
  EXPECT_EQ(errors.size(), 8u);
  EXPECT_THAT(rec.log, ElementsAre("synced", "add a@6", "add b@7"));
}

TEST_F(ReflectorTest, ListFailuresBackOffAndRetry) {
  client.lists.push_back(Error{"list pods: HTTP 503 Service Unavailable", kErrHttpStatus});
  client.lists.push_back(Error{"list pods: connect: Connection refused", ECONNREFUSED});
  client.lists.push_back(Page({PodJson("ns", "a", "5")}, "5"));
  client.watches.push_back({{}, Error{"reset", ECONNRESET}});
  Run();
  ASSERT_EQ(sleeper.sleeps.size(), 3u);  // two list failures, then the failed watch
  EXPECT_EQ(sleeper.sleeps[0], 100ms);
  EXPECT_EQ(sleeper.sleeps[1], 200ms);
  EXPECT_EQ(sleeper.sleeps[2], 100ms) << "a successful list resets the backoff";
  EXPECT_THAT(rec.log, ElementsAre("add a@5", "synced"));
}

TEST_F(ReflectorTest, WatchThatEndsAtOnceWithoutEventsBacksOff) {
  client.lists.push_back(Page({}, "5"));
  client.watches.push_back({{}, OkStatus()});
  client.watches.push_back({{}, OkStatus()});
  Run();
  EXPECT_THAT(sleeper.sleeps, ElementsAre(100ms, 200ms));
}

TEST_F(ReflectorTest, OtherErrorEventsReconnectFromTheSameResourceVersion) {
  client.lists.push_back(Page({}, "5"));
  client.watches.push_back(
      {{Event(EventType::kError, {{"kind", "Status"}, {"code", 500}, {"message", "internal error"}})}});
  Run();
  ASSERT_GE(client.watch_calls.size(), 2u);
  EXPECT_EQ(client.watch_calls[1].resource_version, "5");
  EXPECT_EQ(stats.gone_relists, 0u);
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors[0], ::testing::HasSubstr("ERROR event 500"));
}

TEST_F(ReflectorTest, UndecodableObjectsAreSkippedNotFatal) {
  nlohmann::json bad = PodJson("ns", "bad", "3");
  bad["status"] = {{"podIP", "not-an-ip"}};
  client.lists.push_back(Page({PodJson("ns", "a", "2"), bad}, "3"));
  client.watches.push_back({{Event(EventType::kAdded, {{"metadata", {{"name", 7}}}}),
                             Event(EventType::kAdded, PodJson("ns", "b", "4"))}});
  Run();
  ASSERT_EQ(rec.log.size(), 5u);
  EXPECT_EQ(rec.log[0], "decode error: pod ns/bad: status.podIP: not an IP address");
  EXPECT_EQ(rec.log[1], "add a@2");
  EXPECT_EQ(rec.log[2], "synced");
  EXPECT_THAT(rec.log[3], ::testing::HasSubstr("metadata.name: not a string"));
  EXPECT_EQ(rec.log[4], "add b@4");
  EXPECT_EQ(informer.decode_errors(), 2u);
}

TEST_F(ReflectorTest, PassesSelectorsAndNamespaceThrough) {
  ReflectorOptions o = Options();
  o.resource.namespace_name = "shop";
  o.resource.field_selector = "spec.nodeName=node-a";
  client.lists.push_back(Page({}, "1"));
  Reflector r(client, informer, o, sleeper);
  r.Run(stop.get_token());
  ASSERT_GE(client.resources.size(), 2u);
  for (const Resource& res : client.resources) {
    EXPECT_EQ(res.namespace_name, "shop");
    EXPECT_EQ(res.field_selector, "spec.nodeName=node-a");
  }
}

TEST_F(ReflectorTest, StopsPromptlyWhenAskedDuringBackoff) {
  client.lists.push_back(Error{"refused", ECONNREFUSED});
  RealSleeper real;
  std::stop_source own;
  ReflectorOptions o = Options();
  o.backoff.initial = 60s;
  o.backoff.max = 60s;
  FakeApiClient never_exhausts{own};
  never_exhausts.lists.push_back(Error{"refused", ECONNREFUSED});
  Reflector r(never_exhausts, informer, o, real);
  const auto t0 = std::chrono::steady_clock::now();
  std::jthread th([&](std::stop_token st) { r.Run(st); });
  std::this_thread::sleep_for(50ms);
  th.request_stop();
  th.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

}  // namespace
}  // namespace flows::flowd::k8s
