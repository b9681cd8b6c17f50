// A scripted ApiClient: each List call takes the next scripted page (or
// error), each Watch call replays the next scripted stream of events and
// then ends as scripted. When the script runs out it requests stop, so a
// reflector under test runs synchronously to the end of the script.
#pragma once

#include <chrono>
#include <deque>
#include <stop_token>
#include <vector>

#include "flows/common/backoff.h"
#include "flows/flowd/k8s/api_client.h"

namespace flows::flowd::k8s::testing {

inline nlohmann::json PodJson(const std::string& ns, const std::string& name, const std::string& rv,
                              const std::string& ip = "") {
  nlohmann::json pod = {
      {"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}, {"uid", name + "-uid"}}},
      {"spec", {{"nodeName", "node-a"}}}};
  if (!ip.empty()) pod["status"] = {{"podIP", ip}};
  return pod;
}

inline WatchEvent Event(EventType type, nlohmann::json object) {
  WatchEvent ev;
  ev.type = type;
  if (object.contains("metadata") && object["metadata"].contains("resourceVersion")) {
    ev.resource_version = object["metadata"]["resourceVersion"];
  }
  if (type == EventType::kError && object.contains("code")) ev.error_code = object["code"];
  ev.object = std::move(object);
  return ev;
}

inline WatchEvent Bookmark(const std::string& rv) {
  return Event(EventType::kBookmark, {{"kind", "Pod"}, {"metadata", {{"resourceVersion", rv}}}});
}

inline WatchEvent Gone() {
  return Event(EventType::kError,
               {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}});
}

class FakeApiClient final : public ApiClient {
 public:
  struct WatchScript {
    std::vector<WatchEvent> events;
    Status end = OkStatus();
  };

  explicit FakeApiClient(std::stop_source& stopper) : stopper_(stopper) {}

  std::deque<Result<ListPage>> lists;
  std::deque<WatchScript> watches;
  std::vector<ListOptions> list_calls;
  std::vector<WatchOptions> watch_calls;
  std::vector<Resource> resources;

  Result<ListPage> List(const Resource& r, const ListOptions& o, std::stop_token) override {
    resources.push_back(r);
    list_calls.push_back(o);
    if (lists.empty()) return Exhausted();
    Result<ListPage> page = std::move(lists.front());
    lists.pop_front();
    return page;
  }

  Status Watch(const Resource& r, const WatchOptions& o, const WatchHandler& on_event,
               std::stop_token) override {
    resources.push_back(r);
    watch_calls.push_back(o);
    if (watches.empty()) return Exhausted();
    WatchScript script = std::move(watches.front());
    watches.pop_front();
    for (WatchEvent& ev : script.events) {
      if (!on_event(std::move(ev))) return OkStatus();
    }
    return script.end;
  }

 private:
  Error Exhausted() {
    stopper_.request_stop();
    return Error{"script exhausted", ECANCELED};
  }
  std::stop_source& stopper_;
};

// Time stands still unless slept; sleeps are recorded, never waited.
class FakeSleeper final : public Sleeper {
 public:
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> sleeps;

  std::chrono::steady_clock::time_point Now() override { return now; }
  bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) override {
    sleeps.push_back(d);
    now += d;
    return !stop.stop_requested();
  }
};

}  // namespace flows::flowd::k8s::testing
