#include "flows/flowd/k8s/reflector.h"

namespace flows::flowd::k8s {

Reflector::Reflector(ApiClient& client, ReflectorSink& sink, ReflectorOptions options, Sleeper& sleeper)
    : client_(client),
      sink_(sink),
      options_(std::move(options)),
      sleeper_(sleeper),
      backoff_(options_.backoff) {}

std::string Reflector::resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

ReflectorStats Reflector::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Reflector::SetResourceVersion(const std::string& rv) {
  std::lock_guard lock(mu_);
  rv_ = rv;
}

void Reflector::Fail(const Error& error) {
  {
    std::lock_guard lock(mu_);
    ++stats_.errors;
  }
  if (options_.on_error) options_.on_error(error);
}

void Reflector::Run(const std::stop_token& stop) {
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      Status listed = ListAll(stop);
      if (stop.stop_requested()) return;
      if (!listed) {
        Fail(listed.error());
        if (!sleeper_.SleepFor(backoff_.Next(), stop)) return;
        continue;
      }
      need_list = false;
    }
    switch (WatchOnce(stop)) {
      case WatchEnd::kStopped:
        return;
      case WatchEnd::kRewatch:
        break;
      case WatchEnd::kRelist:
        need_list = true;
        // Gone again before anything arrived since the last list: the server
        // is not keeping up; do not turn that into a list storm.
        if (!progress_since_list_ && !sleeper_.SleepFor(backoff_.Next(), stop)) return;
        break;
      case WatchEnd::kBackoff:
        if (!sleeper_.SleepFor(backoff_.Next(), stop)) return;
        break;
    }
  }
}

Status Reflector::ListAll(const std::stop_token& stop) {
  std::vector<nlohmann::json> items;
  ListOptions page_options{.limit = options_.page_size};
  std::string rv;
  bool restarted = false;
  for (;;) {
    Result<ListPage> page = client_.List(options_.resource, page_options, stop);
    if (!page) {
      // The continue token expired between pages (the snapshot was
      // compacted): start over once, from a fresh snapshot.
      if (IsGone(page.error()) && !page_options.continue_token.empty() && !restarted) {
        restarted = true;
        items.clear();
        page_options.continue_token.clear();
        continue;
      }
      return page.error();
    }
    for (nlohmann::json& item : page->items) items.push_back(std::move(item));
    rv = std::move(page->resource_version);
    if (page->continue_token.empty()) break;
    if (page->continue_token == page_options.continue_token) {
      return Error::Invalid("list " + options_.resource.DisplayName() +
                            ": server repeated its continue token");
    }
    page_options.continue_token = std::move(page->continue_token);
  }
  sink_.Replace(std::move(items), rv);
  SetResourceVersion(rv);
  {
    std::lock_guard lock(mu_);
    ++stats_.lists;
  }
  progress_since_list_ = false;
  backoff_.Reset();
  return OkStatus();
}

Reflector::WatchEnd Reflector::WatchOnce(const std::stop_token& stop) {
  const std::string what = "watch " + options_.resource.DisplayName();
  WatchOptions watch_options{.resource_version = resource_version(),
                             .timeout_seconds = options_.watch_timeout_seconds,
                             .allow_bookmarks = true};
  {
    std::lock_guard lock(mu_);
    ++stats_.watches;
  }
  const auto started = sleeper_.Now();
  bool progress = false;
  bool gone = false;
  std::optional<Error> event_error;

  Status watched = client_.Watch(
      options_.resource, watch_options,
      [&](WatchEvent&& ev) {
        switch (ev.type) {
          case EventType::kBookmark: {
            // Nothing changed, but the watch may resume from here: a later
            // reconnect need not replay (or be refused for) older history.
            SetResourceVersion(ev.resource_version);
            std::lock_guard lock(mu_);
            ++stats_.bookmarks;
            progress = true;
            return true;
          }
          case EventType::kError:
            if (ev.error_code == 410) {
              gone = true;
            } else {
              event_error =
                  Error{what + ": ERROR event " + std::to_string(ev.error_code) + ": " + ev.error_message,
                        kErrHttpStatus};
            }
            return false;
          default: {
            // The resourceVersion first, so a callback that looks sees the
            // version it is being told about.
            if (!ev.resource_version.empty()) SetResourceVersion(ev.resource_version);
            sink_.Apply(std::move(ev));
            std::lock_guard lock(mu_);
            ++stats_.events;
            progress = true;
            return true;
          }
        }
      },
      stop);

  if (stop.stop_requested()) return WatchEnd::kStopped;
  if (progress) {
    progress_since_list_ = true;
    backoff_.Reset();
  }
  if (gone || (!watched && IsGone(watched.error()))) {
    std::lock_guard lock(mu_);
    ++stats_.gone_relists;
    return WatchEnd::kRelist;
  }
  if (event_error) {
    Fail(*event_error);
    return WatchEnd::kBackoff;
  }
  if (!watched) {
    Fail(watched.error());
    return WatchEnd::kBackoff;
  }
  if (!progress && sleeper_.Now() - started < options_.min_watch_duration) {
    Fail(Error{what + ": the server ended the watch at once", ECONNRESET});
    return WatchEnd::kBackoff;
  }
  return WatchEnd::kRewatch;
}

}  // namespace flows::flowd::k8s
