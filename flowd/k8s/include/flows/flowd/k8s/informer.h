// The typed end of a reflector: decodes objects, keeps the current set keyed
// by namespace/name, and turns lists and events into add/update/delete
// callbacks (a relist after 410 Gone becomes the differences only: adds,
// updates of changed objects, deletes of vanished ones). Synced fires once,
// after the first complete list; relisted after every complete list, with
// all of it, for state the informer never saw (a registry restored from
// disk): what a complete list does not contain is gone. Objects that fail to decode are reported
// and skipped, never fatal.
//
// Callbacks run on the reflector's thread, after the informer's lock is
// released, so they may call List()/Get().
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flows/flowd/k8s/kinds.h"
#include "flows/flowd/k8s/reflector.h"

namespace flows::flowd::k8s {

template <typename T>
struct InformerHandlers {
  std::function<void(const T&)> on_add;
  std::function<void(const T& old_object, const T& new_object)> on_update;
  std::function<void(const T&)> on_delete;
  std::function<void()> on_synced;
  // After each complete list's adds/updates/deletes: every object it held.
  std::function<void(const std::vector<T>& listed)> on_relist;
  std::function<void(const Error&)> on_decode_error;
};

namespace detail {
// "namespace/name" (or "name") from raw metadata, even when the rest of the
// object does not decode, so a DELETED event still finds its object.
std::optional<std::string> KeyOf(const nlohmann::json& object);
inline std::string KeyOf(const ObjectMeta& meta) {
  return meta.namespace_name.empty() ? meta.name : meta.namespace_name + "/" + meta.name;
}
}  // namespace detail

template <typename T>
class Informer final : public ReflectorSink {
 public:
  explicit Informer(InformerHandlers<T> handlers) : handlers_(std::move(handlers)) {}

  void Replace(std::vector<nlohmann::json>&& items, const std::string&) override {
    std::map<std::string, T> fresh;
    for (const nlohmann::json& item : items) {
      if (std::optional<T> obj = Decode(item))
        fresh.insert_or_assign(detail::KeyOf(obj->meta), std::move(*obj));
    }
    std::vector<Change> changes;
    bool first = false;
    std::vector<T> listed;
    if (handlers_.on_relist) {
      listed.reserve(fresh.size());
      for (const auto& [key, obj] : fresh) listed.push_back(obj);
    }
    {
      std::lock_guard lock(mu_);
      for (auto& [key, old] : objects_) {
        if (!fresh.contains(key)) changes.push_back({Change::kDelete, old, {}});
      }
      for (auto& [key, obj] : fresh) {
        auto it = objects_.find(key);
        if (it == objects_.end()) {
          changes.push_back({Change::kAdd, {}, obj});
        } else if (it->second.meta.resource_version != obj.meta.resource_version) {
          changes.push_back({Change::kUpdate, it->second, obj});
        }
      }
      objects_ = std::move(fresh);
      first = !synced_;
      synced_ = true;
    }
    Dispatch(changes);
    if (handlers_.on_relist) handlers_.on_relist(listed);
    if (first && handlers_.on_synced) handlers_.on_synced();
  }

  void Apply(WatchEvent&& ev) override {
    std::vector<Change> changes;
    if (ev.type == EventType::kDeleted) {
      std::optional<std::string> key = detail::KeyOf(ev.object);
      if (!key) return Report(Error::Invalid("DELETED event without metadata.name"));
      std::optional<T> last = Decode(ev.object);
      std::lock_guard lock(mu_);
      auto it = objects_.find(*key);
      if (it == objects_.end()) return;
      changes.push_back({Change::kDelete, last ? std::move(*last) : std::move(it->second), {}});
      objects_.erase(it);
    } else {
      std::optional<T> obj = Decode(ev.object);
      if (!obj) return;  // keep what we had: a later event or relist corrects it
      const std::string key = detail::KeyOf(obj->meta);
      std::lock_guard lock(mu_);
      auto it = objects_.find(key);
      if (it == objects_.end()) {
        changes.push_back({Change::kAdd, {}, *obj});
        objects_.emplace(key, std::move(*obj));
      } else {
        changes.push_back({Change::kUpdate, it->second, *obj});
        it->second = std::move(*obj);
      }
    }
    Dispatch(changes);
  }

  bool HasSynced() const {
    std::lock_guard lock(mu_);
    return synced_;
  }
  std::optional<T> Get(const std::string& namespace_name, const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = objects_.find(namespace_name.empty() ? name : namespace_name + "/" + name);
    return it == objects_.end() ? std::nullopt : std::optional<T>(it->second);
  }
  std::vector<T> List() const {
    std::lock_guard lock(mu_);
    std::vector<T> out;
    out.reserve(objects_.size());
    for (const auto& [key, obj] : objects_) out.push_back(obj);
    return out;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return objects_.size();
  }
  std::uint64_t decode_errors() const {
    std::lock_guard lock(mu_);
    return decode_errors_;
  }

 private:
  struct Change {
    enum Kind { kAdd, kUpdate, kDelete } kind;
    T old_object;
    T new_object;
  };

  std::optional<T> Decode(const nlohmann::json& j) {
    Result<T> obj = KindTraits<T>::Decode(j);
    if (obj) return std::move(obj).value();
    Report(obj.error());
    return std::nullopt;
  }
  void Report(const Error& e) {
    {
      std::lock_guard lock(mu_);
      ++decode_errors_;
    }
    if (handlers_.on_decode_error) handlers_.on_decode_error(e);
  }
  void Dispatch(const std::vector<Change>& changes) {
    for (const Change& c : changes) {
      switch (c.kind) {
        case Change::kAdd:
          if (handlers_.on_add) handlers_.on_add(c.new_object);
          break;
        case Change::kUpdate:
          if (handlers_.on_update) handlers_.on_update(c.old_object, c.new_object);
          break;
        case Change::kDelete:
          if (handlers_.on_delete) handlers_.on_delete(c.old_object);
          break;
      }
    }
  }

  InformerHandlers<T> handlers_;
  mutable std::mutex mu_;
  std::map<std::string, T> objects_;
  bool synced_ = false;
  std::uint64_t decode_errors_ = 0;
};

}  // namespace flows::flowd::k8s
