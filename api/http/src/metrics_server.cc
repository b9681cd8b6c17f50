#include "flows/api/http/metrics_server.h"

#include <prometheus/text_serializer.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flows::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

struct MetricsServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::shared_ptr<prometheus::Registry> registry;
  std::function<bool()> ready;
  std::thread thread;
  std::atomic<bool> stopping{false};

  http::response<http::string_body> Handle(const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      res.result(http::status::method_not_allowed);
      res.body() = "only GET\n";
    } else if (path == "/metrics") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = prometheus::TextSerializer().Serialize(registry->Collect());
    } else if (path == "/healthz") {
      res.result(http::status::ok);
      res.body() = "ok\n";
    } else if (path == "/readyz") {
      const bool ok = !ready || ready();
      res.result(ok ? http::status::ok : http::status::service_unavailable);
      res.body() = ok ? "ready\n" : "not ready\n";
    } else {
      res.result(http::status::not_found);
      res.body() = "not found: try /metrics, /healthz or /readyz\n";
    }
    res.prepare_payload();
    return res;
  }

  void Serve() {
    while (!stopping) {
      beast::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (ec) continue;  // closed on shutdown, or a transient error
      beast::flat_buffer buffer;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024);  // a scrape has no body worth reading
      socket.set_option(asio::socket_base::linger(true, 0), ec);
      http::read(socket, buffer, parser, ec);
      if (ec) continue;  // malformed request: drop the connection, keep serving
      auto res = Handle(parser.get());
      http::write(socket, res, ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
    }
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& address,
                                                            std::shared_ptr<prometheus::Registry> registry,
                                                            std::function<bool()> ready) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return Error::Invalid("metrics address \"" + address + "\": expected host:port");
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  try {
    port = static_cast<unsigned>(std::stoul(address.substr(colon + 1)));
  } catch (...) {
    port = 70000;
  }
  if (port > 65535) return Error::Invalid("metrics address \"" + address + "\": bad port");
  auto impl = std::make_unique<Impl>();
  impl->registry = std::move(registry);
  impl->ready = std::move(ready);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) return Error::Invalid("metrics address \"" + address + "\": " + ec.message());
  const tcp::endpoint ep(ip, static_cast<unsigned short>(port));
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"listen on " + address + ": " + ec.message(), ec.value()};
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] { raw->Serve(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  impl_->stopping = true;
  beast::error_code ec;
  // Unblock accept(): shut the listening socket down, then join.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->acceptor.close(ec);
  if (impl_->thread.joinable()) impl_->thread.join();
}

unsigned short MetricsServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace flows::api
