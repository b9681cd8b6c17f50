#include "flows/flowd/k8s/resource.h"

#include <cstdio>

namespace flows::flowd::k8s {

namespace {

// RFC 3986 unreserved characters pass; everything else is %XX. Selectors
// contain '=', ',' and '!', continue tokens '=' and '/'.
std::string Encode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class Query {
 public:
  void Add(const char* key, const std::string& value) {
    if (value.empty()) return;
    text_ += text_.empty() ? '?' : '&';
    text_ += key;
    text_ += '=';
    text_ += Encode(value);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

std::string Resource::CollectionPath() const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!namespace_name.empty()) path += "/namespaces/" + Encode(namespace_name);
  return path + "/" + plural;
}

std::string Resource::DisplayName() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string ListTarget(const std::string& base_path, const Resource& r, const ListOptions& o) {
  Query q;
  q.Add("labelSelector", r.label_selector);
  q.Add("fieldSelector", r.field_selector);
  if (o.limit > 0) q.Add("limit", std::to_string(o.limit));
  q.Add("continue", o.continue_token);
  // With a continue token the server picks the snapshot; both together are
  // refused.
  if (o.continue_token.empty()) q.Add("resourceVersion", o.resource_version);
  return base_path + r.CollectionPath() + q.text();
}

std::string WatchTarget(const std::string& base_path, const Resource& r, const WatchOptions& o) {
  Query q;
  q.Add("watch", "1");
  q.Add("labelSelector", r.label_selector);
  q.Add("fieldSelector", r.field_selector);
  q.Add("resourceVersion", o.resource_version);
  if (o.allow_bookmarks) q.Add("allowWatchBookmarks", "true");
  if (o.timeout_seconds > 0) q.Add("timeoutSeconds", std::to_string(o.timeout_seconds));
  return base_path + r.CollectionPath() + q.text();
}

}  // namespace flows::flowd::k8s
