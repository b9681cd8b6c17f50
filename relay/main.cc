// flows-relay: one Observer API for the whole cluster. Knows the nodes
// (--peer, --peer-dns, --peer-service), keeps a connection to each, and
// answers GetFlows / ServerStatus / GetNodes / GetNamespaces from all of
// them (relay_service.h). Serves its own /metrics, /healthz, /readyz.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "flows/api/http/metrics_server.h"
#include "flows/relay/address.h"
#include "flows/relay/credentials.h"
#include "flows/relay/peer_sources.h"
#include "flows/relay/relay_graph_service.h"
#include "flows/relay/relay_service.h"

#ifndef FLOWS_VERSION
#define FLOWS_VERSION "0.0.0"
#endif

namespace {

using namespace flows::relay;

struct Flags {
  std::string listen = ":4245";
  std::string unix_socket;
  std::string metrics = "127.0.0.1:9966";
  std::vector<std::string> peers, peer_dns, peer_services;
  unsigned peer_default_port = 4244;
  double dns_interval_s = 30;
  ServeTls serve_tls;
  DialOptions dial;
  double backoff_initial_s = 1, backoff_max_s = 30;
  std::size_t sort_buffer_len = 4096;
  std::size_t buffer_capacity = 16384;
  double drain_timeout_s = 1;
  double call_timeout_s = 5;
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "flows-relay: %s\n", what.c_str());
  return 1;
}

std::chrono::milliseconds Ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an exception here is a bug; terminate reports it.
int main(int argc, char** argv) {
  // SIGINT/SIGTERM are taken by sigwait at the end. Blocked first thing:
  // gRPC starts threads as soon as any credentials object exists, and every
  // thread must inherit the mask or the signal kills the process there.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Flags f;
  CLI::App app{"flows-relay: one time-ordered, cluster-wide flow stream from every node's flowd"};
  app.set_version_flag("--version", FLOWS_VERSION);
  app.add_option("--listen-address", f.listen, "gRPC address to serve on (\":4245\": every address)")
      ->capture_default_str();
  app.add_option("--unix-socket", f.unix_socket, "also serve on this unix socket path");
  app.add_option("--metrics-address", f.metrics, "host:port for /metrics /healthz /readyz (empty: none)")
      ->capture_default_str();
  app.add_option("--peer", f.peers, "a node's flowd as host:port (repeatable)");
  app.add_option("--peer-dns", f.peer_dns, "name:port resolving to every node, re-resolved (repeatable)");
  app.add_option("--peer-dns-interval", f.dns_interval_s, "seconds between DNS lookups")
      ->capture_default_str();
  app.add_option("--peer-service", f.peer_services,
                 "host:port of a peer.Peer service announcing nodes (repeatable)");
  app.add_option("--peer-default-port", f.peer_default_port, "port for announced addresses without one")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  app.add_option("--peer-backoff-initial", f.backoff_initial_s, "seconds before the first reconnect")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  app.add_option("--peer-backoff-max", f.backoff_max_s, "longest wait between reconnects, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  app.add_option("--tls-cert", f.serve_tls.cert, "serve TLS with this certificate (PEM)");
  app.add_option("--tls-key", f.serve_tls.key, "... and this key (PEM)");
  app.add_option("--tls-client-ca", f.serve_tls.client_ca,
                 "require client certificates signed by this CA (mTLS)");
  app.add_option("--peer-tls-ca", f.dial.tls.ca, "dial nodes with TLS, verifying them against this CA");
  app.add_option("--peer-tls-cert", f.dial.tls.cert, "client certificate for nodes (mTLS)");
  app.add_option("--peer-tls-key", f.dial.tls.key, "client key for nodes (mTLS)");
  app.add_option("--peer-tls-server-name", f.dial.tls.server_name, "name expected in node certificates");
  app.add_option("--sort-buffer-len", f.sort_buffer_len, "flows held for ordering before the oldest goes out")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--sort-buffer-capacity", f.buffer_capacity,
                 "responses buffered per GetFlows call before a follow stream drops (LostEvent)")
      ->capture_default_str()
      ->check(CLI::Range(2, 20'000'000));
  app.add_option("--sort-buffer-drain-timeout", f.drain_timeout_s,
                 "longest a flow waits for a silent node, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--peer-call-timeout", f.call_timeout_s, "deadline of unary calls to nodes, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 600.0));
  CLI11_PARSE(app, argc, argv);

  f.dial.backoff_initial = Ms(f.backoff_initial_s);
  f.dial.backoff_max = Ms(f.backoff_max_s);
  auto dial = MakeChannelFactory(f.dial);
  if (!dial) return Fail(dial.error().message);
  auto server_creds = MakeServerCredentials(f.serve_tls);
  if (!server_creds) return Fail(server_creds.error().message);
  auto listen = ListenAddress(f.listen);
  if (!listen) return Fail("--listen-address: " + listen.error().message);
  std::vector<PeerSpec> static_peers;
  for (const auto& p : f.peers) {
    auto hp = ParseHostPort(p);
    if (!hp) return Fail("--peer: " + hp.error().message);
    const std::string a = JoinHostPort(hp->host, hp->port);
    static_peers.push_back(PeerSpec{a, a, {}});
  }
  for (const auto& d : f.peer_dns)
    if (auto hp = ParseHostPort(d); !hp) return Fail("--peer-dns: " + hp.error().message);
  for (const auto& s : f.peer_services)
    if (auto hp = ParseHostPort(s); !hp) return Fail("--peer-service: " + hp.error().message);

  auto registry = std::make_shared<prometheus::Registry>();
  RelayMetrics metrics(*registry);
  PeerManager peers(*dial, &metrics, PeerManager::Options{});
  peers.Replace("static", static_peers);
  peers.Start();
  std::vector<std::unique_ptr<DnsPeerSource>> dns;
  for (const auto& d : f.peer_dns) {
    dns.push_back(std::make_unique<DnsPeerSource>(peers, d, Ms(f.dns_interval_s)));
    dns.back()->Start();
  }
  std::vector<std::unique_ptr<NotifyPeerSource>> notify;
  for (const auto& s : f.peer_services) {
    notify.push_back(std::make_unique<NotifyPeerSource>(
        peers, *dial, s, f.peer_default_port,
        flows::Backoff({.initial = f.dial.backoff_initial, .max = f.dial.backoff_max})));
    notify.back()->Start();
  }

  RelayOptions ro;
  ro.merge.sort_window = f.sort_buffer_len;
  ro.merge.drain_timeout = Ms(f.drain_timeout_s);
  ro.buffer_capacity = std::max(f.buffer_capacity, f.sort_buffer_len + 1);
  ro.call_timeout = Ms(f.call_timeout_s);
  ro.version = FLOWS_VERSION;
  ro.peer_tls = f.dial.tls.enabled();
  ro.peer_tls_server_name = f.dial.tls.server_name;
  RelayService service(peers, ro, &metrics);
  RelayGraphService graph_service(peers, ro.call_timeout);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(*listen, *server_creds, &port);
  if (!f.unix_socket.empty()) builder.AddListeningPort("unix:" + f.unix_socket, *server_creds);
  builder.RegisterService(&service);
  builder.RegisterService(&graph_service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) return Fail("cannot listen on " + *listen);

  std::unique_ptr<flows::api::MetricsServer> metrics_server;
  if (!f.metrics.empty()) {
    // Ready when at least one node is connected: a relay with none has
    // nothing to answer with.
    auto m = flows::api::MetricsServer::Start(f.metrics, registry, [&peers] { return peers.AnyConnected(); });
    if (!m) return Fail("--metrics-address: " + m.error().message);
    metrics_server = std::move(*m);
  }
  std::fprintf(stderr, "flows-relay %s: serving on %s (port %d)%s%s, %zu static peers\n", FLOWS_VERSION,
               listen->c_str(), port, f.unix_socket.empty() ? "" : " and unix:", f.unix_socket.c_str(),
               static_peers.size());
  // The ports actually bound, for scripts (and tests) that ask for port 0.
  std::printf("listening %d metrics %d\n", port, metrics_server ? metrics_server->port() : 0);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "flows-relay: signal %d, shutting down\n", sig);
  for (auto& n : notify) n->Stop();
  for (auto& d : dns) d->Stop();
  // Follow streams end at the deadline; their handlers see the cancellation.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  peers.Stop();
  return 0;
}
