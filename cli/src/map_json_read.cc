// Reads `flows map -o json` back into a GetGraphResponse: the input of
// `flows map diff`. The file is untrusted (edited by hand, truncated, from
// another tool): every field is type-checked, counters must be
// non-negative integers, every edge's source and target must be a node,
// and the first problem is reported with its JSON path. Derived fields
// (error_rate, *_ms, bytes) are ignored: they are recomputed from the
// counters.
#include <google/protobuf/util/time_util.h>

#include <map>
#include <nlohmann/json.hpp>

#include "flows/cli/map_format.h"
#include "flows/common/text.h"
#include "map_json.h"

namespace flows::cli {
namespace {

using Json = nlohmann::json;

class Reader {
 public:
  bool failed() const { return problem_.has_value(); }
  Error error() const { return Error::Invalid(*problem_); }
  void Fail(const std::string& path, const std::string& what) {
    if (!problem_) problem_ = path + ": " + what;
  }

  // The member, or nullptr when absent or null; `required` makes that an
  // error.
  const Json* Member(const Json& obj, const char* key, const std::string& path, bool required = false) {
    if (failed()) return nullptr;
    if (!obj.is_object()) {
      Fail(path, "not an object");
      return nullptr;
    }
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) Fail(path + "." + key, "missing");
      return nullptr;
    }
    return &*it;
  }
  const Json* Array(const Json& obj, const char* key, const std::string& path, bool required = false) {
    const Json* v = Member(obj, key, path, required);
    if (v && !v->is_array()) Fail(path + "." + key, "not an array"), v = nullptr;
    return v;
  }
  void String(const Json& obj, const char* key, const std::string& path, std::string& out,
              bool required = false) {
    const Json* v = Member(obj, key, path, required);
    if (!v) return;
    if (!v->is_string()) return Fail(path + "." + key, "not a string");
    out = v->get_ref<const std::string&>();
  }
  // Integers in [0, max]; 12.0 or "12" are not counters.
  std::uint64_t Unsigned(const Json& obj, const char* key, const std::string& path,
                         std::uint64_t max = UINT64_MAX) {
    const Json* v = Member(obj, key, path);
    if (!v) return 0;
    // nlohmann keeps non-negative integers as unsigned: a signed one is
    // negative.
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() > max) {
      Fail(path + "." + key, "not an integer between 0 and " + std::to_string(max));
      return 0;
    }
    return v->get<std::uint64_t>();
  }
  std::uint32_t Unsigned32(const Json& obj, const char* key, const std::string& path) {
    return static_cast<std::uint32_t>(Unsigned(obj, key, path, UINT32_MAX));
  }
  void Time(const Json& obj, const char* key, const std::string& path, google::protobuf::Timestamp* out) {
    std::string text;
    String(obj, key, path, text);
    if (text.empty() || failed()) return;
    if (!google::protobuf::util::TimeUtil::FromString(text, out) || !ValidTimestamp(*out)) {
      Fail(path + "." + key, "not an RFC 3339 time: " + Quote(text));
    }
  }
  void Strings(const Json& obj, const char* key, const std::string& path,
               google::protobuf::RepeatedPtrField<std::string>* out) {
    const Json* list = Array(obj, key, path);
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (!(*list)[i].is_string())
        return Fail(path + "." + key + "[" + std::to_string(i) + "]", "not a string");
      out->Add(std::string((*list)[i].get_ref<const std::string&>()));
    }
  }

 private:
  std::optional<std::string> problem_;
};

std::string At(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void ReadEndpoint(Reader& r, const Json& d, const std::string& path, graph::Endpoint& e) {
  std::string kind = "workload";
  r.String(d, "kind", path, kind);
  if (r.failed()) return;
  const auto k = KindFromName(kind);
  if (!k) return r.Fail(path + ".kind", "unknown kind " + Quote(kind));
  e.set_kind(*k);
  r.String(d, "label", path, *e.mutable_label(), true);
  r.String(d, "namespace", path, *e.mutable_namespace_());
  r.String(d, "workload_kind", path, *e.mutable_workload_kind());
  r.String(d, "workload_name", path, *e.mutable_workload_name());
  r.String(d, "pod", path, *e.mutable_pod());
  r.String(d, "service_namespace", path, *e.mutable_service_namespace());
  r.String(d, "service_name", path, *e.mutable_service_name());
  r.String(d, "name", path, *e.mutable_name());
}

void ReadEdge(Reader& r, const Json& d, const std::string& path,
              const std::map<std::string, graph::Endpoint>& nodes, graph::Edge& e) {
  for (const auto& [key, out] :
       {std::pair{"source", e.mutable_source()}, std::pair{"target", e.mutable_destination()}}) {
    std::string id;
    r.String(d, key, path, id, true);
    if (r.failed()) return;
    const auto it = nodes.find(id);
    if (it == nodes.end()) return r.Fail(path + "." + key, "no node with id " + Quote(id));
    *out = it->second;
    const std::string svc_key = std::string(key) + "_service";
    if (const Json* svc = r.Member(d, svc_key.c_str(), path)) {
      r.String(*svc, "namespace", path + "." + svc_key, *out->mutable_service_namespace());
      r.String(*svc, "name", path + "." + svc_key, *out->mutable_service_name());
    }
  }
  e.set_port(r.Unsigned32(d, "port", path));
  r.String(d, "protocol", path, *e.mutable_l4_protocol());
  r.String(d, "l7", path, *e.mutable_l7_protocol());
  e.set_requests(r.Unsigned(d, "requests", path));
  e.set_errors(r.Unsigned(d, "errors", path));
  e.set_connections(r.Unsigned(d, "connections", path));
  e.set_packets_to_server(r.Unsigned(d, "packets_to_server", path));
  e.set_packets_to_client(r.Unsigned(d, "packets_to_client", path));
  e.set_bytes_to_server(r.Unsigned(d, "bytes_to_server", path));
  e.set_bytes_to_client(r.Unsigned(d, "bytes_to_client", path));
  e.set_refused(r.Unsigned(d, "refused", path));
  e.set_resets(r.Unsigned(d, "resets", path));
  e.set_drops(r.Unsigned(d, "drops", path));
  e.set_latency_p50_ns(r.Unsigned(d, "latency_p50_ns", path));
  e.set_latency_p95_ns(r.Unsigned(d, "latency_p95_ns", path));
  e.set_latency_p99_ns(r.Unsigned(d, "latency_p99_ns", path));
  r.Time(d, "first_seen", path, e.mutable_first_seen());
  r.Time(d, "last_seen", path, e.mutable_last_seen());
  r.Strings(d, "nodes", path, e.mutable_nodes());
  if (const Json* http = r.Array(d, "http", path)) {
    for (std::size_t i = 0; i < http->size() && !r.failed(); ++i) {
      auto* h = e.add_http();
      r.String((*http)[i], "method", At(path + ".http", i), *h->mutable_method());
      h->set_status_class(r.Unsigned32((*http)[i], "status_class", At(path + ".http", i)));
      h->set_count(r.Unsigned((*http)[i], "count", At(path + ".http", i)));
    }
  }
  if (const Json* dns = r.Array(d, "dns", path)) {
    for (std::size_t i = 0; i < dns->size() && !r.failed(); ++i) {
      auto* q = e.add_dns();
      q->set_rcode(r.Unsigned32((*dns)[i], "rcode", At(path + ".dns", i)));
      q->set_count(r.Unsigned((*dns)[i], "count", At(path + ".dns", i)));
    }
  }
  if (const Json* latency = r.Array(d, "latency", path)) {
    for (std::size_t i = 0; i < latency->size() && !r.failed(); ++i) {
      auto* b = e.add_latency();
      b->set_index(r.Unsigned32((*latency)[i], "index", At(path + ".latency", i)));
      b->set_count(r.Unsigned((*latency)[i], "count", At(path + ".latency", i)));
    }
  }
}

}  // namespace

Result<graph::GetGraphResponse> ParseMapJson(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    return Error::Invalid("not JSON: " + what);
  }
  if (!root.is_object()) return Error::Invalid("not a flows map: the top level is not an object");
  Reader r;
  graph::GetGraphResponse graph;
  if (const Json* meta = r.Member(root, "flows", "")) {
    std::string group_by = "workload";
    r.String(*meta, "group_by", "flows", group_by);
    if (const auto g = GroupByFromName(group_by)) {
      graph.set_group_by(*g);
    } else if (!r.failed()) {
      r.Fail("flows.group_by", "unknown grouping " + Quote(group_by));
    }
    r.Time(*meta, "since", "flows", graph.mutable_since());
    r.Time(*meta, "until", "flows", graph.mutable_until());
    r.Strings(*meta, "nodes", "flows", graph.mutable_nodes());
    r.Strings(*meta, "unavailable_nodes", "flows", graph.mutable_unavailable_nodes());
  }
  const Json* elements = r.Member(root, "elements", "", true);
  if (r.failed()) return Error::Invalid("not a flows map (`flows map -o json`): " + r.error().message);
  const Json* nodes = r.Array(*elements, "nodes", "elements", true);
  const Json* edges = r.Array(*elements, "edges", "elements", true);
  if (r.failed()) return r.error();

  std::map<std::string, graph::Endpoint> by_id;
  for (std::size_t i = 0; i < nodes->size(); ++i) {
    const std::string path = At("elements.nodes", i) + ".data";
    const Json* d = r.Member((*nodes)[i], "data", At("elements.nodes", i), true);
    std::string id;
    if (d) r.String(*d, "id", path, id, true);
    if (r.failed()) return r.error();
    graph::Endpoint e;
    ReadEndpoint(r, *d, path, e);
    if (!by_id.emplace(id, std::move(e)).second) r.Fail(path + ".id", "repeats the node id " + Quote(id));
    if (r.failed()) return r.error();
  }
  for (std::size_t i = 0; i < edges->size(); ++i) {
    const Json* d = r.Member((*edges)[i], "data", At("elements.edges", i), true);
    if (d) ReadEdge(r, *d, At("elements.edges", i) + ".data", by_id, *graph.add_edges());
    if (r.failed()) return r.error();
  }
  return graph;
}

}  // namespace flows::cli
