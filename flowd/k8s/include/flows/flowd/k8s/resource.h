// What to list and watch: a resource collection (group, version, plural),
// optionally one namespace and selectors, and the URL targets for list and
// watch requests on it.
#pragma once

#include <cstdint>
#include <string>

namespace flows::flowd::k8s {

struct Resource {
  std::string group;           // "" for the core group
  std::string version;         // "v1"
  std::string plural;          // "pods"
  std::string namespace_name;  // "" for all namespaces
  std::string label_selector;  // e.g. "app=web"
  std::string field_selector;  // e.g. "spec.nodeName=node-a"

  static Resource Pods() { return {"", "v1", "pods"}; }
  static Resource Services() { return {"", "v1", "services"}; }
  static Resource EndpointSlices() { return {"discovery.k8s.io", "v1", "endpointslices"}; }
  static Resource Namespaces() { return {"", "v1", "namespaces"}; }  // cluster-scoped

  // "/api/v1/pods", "/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices"
  std::string CollectionPath() const;
  // "pods" or "endpointslices.discovery.k8s.io", for messages.
  std::string DisplayName() const;
};

struct ListOptions {
  std::int64_t limit = 0;        // page size; 0: everything in one reply
  std::string continue_token;    // from the previous page
  std::string resource_version;  // "": the newest state (a consistent read)
};

struct WatchOptions {
  std::string resource_version;  // changes after this one
  int timeout_seconds = 0;       // the server ends the stream after this; 0: server default
  bool allow_bookmarks = true;
};

// Request targets (path and query), values percent-encoded.
std::string ListTarget(const std::string& base_path, const Resource& r, const ListOptions& o);
std::string WatchTarget(const std::string& base_path, const Resource& r, const WatchOptions& o);

}  // namespace flows::flowd::k8s
