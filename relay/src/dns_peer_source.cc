#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstdio>
#include <set>

#include "flows/relay/address.h"
#include "flows/relay/peer_sources.h"

namespace flows::relay {

DnsPeerSource::DnsPeerSource(PeerManager& peers, std::string name_port, std::chrono::milliseconds interval)
    : peers_(peers), name_port_(std::move(name_port)), interval_(interval) {}

DnsPeerSource::~DnsPeerSource() {
  Stop();
}

std::string DnsPeerSource::ResolveOnce() {
  auto hp = ParseHostPort(name_port_);
  if (!hp) return hp.error().message;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(hp->host.c_str(), nullptr, &hints, &res);
  if (rc != 0) return "resolve " + hp->host + ": " + ::gai_strerror(rc);
  std::set<std::string> addresses;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* src = a->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                      : a->ai_family == AF_INET6
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr)
                          : nullptr;
    if (src && ::inet_ntop(a->ai_family, src, text, sizeof text))
      addresses.insert(JoinHostPort(text, hp->port));
  }
  ::freeaddrinfo(res);
  std::vector<PeerSpec> specs;
  specs.reserve(addresses.size());
  for (const auto& a : addresses) specs.push_back(PeerSpec{a, a, {}});
  peers_.Replace("dns:" + name_port_, specs);
  return {};
}

void DnsPeerSource::Start() {
  thread_ = std::thread([this] {
    std::string last_error;
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const std::string err = ResolveOnce();
      if (!err.empty() && err != last_error)
        std::fprintf(stderr, "flows-relay: --peer-dns %s\n", err.c_str());
      last_error = err;
      lock.lock();
      cv_.wait_for(lock, interval_, [this] { return stopping_; });
    }
  });
}

void DnsPeerSource::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flows::relay
