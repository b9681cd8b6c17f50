#include "http_connection.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

namespace flows::flowd::k8s::detail {

namespace asio = boost::asio;

HttpConnection::HttpConnection(asio::ssl::context* tls, const std::stop_token& stop)
    : tls_ctx_(tls), stop_(stop), on_stop_(stop, std::function<void()>([this] {
                                             // Runs on the requesting thread: only hand the cancellation
                                             // to the io_context, which this connection's thread runs.
                                             asio::post(ioc_, [this] {
                                               if (tls_) beast::get_lowest_layer(*tls_).cancel();
                                               if (tcp_) tcp_->cancel();
                                             });
                                           })) {}

Error HttpConnection::NetError(const std::string& what, beast::error_code ec) const {
  if (stop_.stop_requested()) return Error{what + ": cancelled", ECANCELED};
  if (ec == beast::error::timeout) return Error{what + ": timed out", ETIMEDOUT};
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return Error{what + ": " + ec.message(), kErrTooLarge};
  }
  if (ec == asio::error::eof || ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::ssl::error::stream_truncated) {
    return Error{what + ": connection closed by the server", ECONNRESET};
  }
  if (ec.category() == boost::system::system_category() ||
      ec.category() == boost::system::generic_category()) {
    return Error{what + ": " + ec.message(), ec.value()};
  }
  if (ec.category() == asio::error::get_ssl_category()) return Error{what + ": TLS: " + ec.message(), EPROTO};
  return Error{what + ": " + ec.message(), EPROTO};
}

Status HttpConnection::Connect(const ServerAddress& server, const std::string& verify_name,
                               Clock::duration timeout, const std::string& what) {
  if (stop_.stop_requested()) return Error{what + ": cancelled", ECANCELED};
  const std::string at = what + ": " + server.Authority();
  asio::ip::tcp::resolver resolver(ioc_);
  beast::error_code ec;
  asio::ip::tcp::resolver::results_type endpoints;
  resolver.async_resolve(server.host, server.port,
                         [&](beast::error_code e, asio::ip::tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                         });
  ioc_.restart();
  ioc_.run();
  if (ec) return NetError(at + ": resolve", ec);

  if (tls_ctx_) {
    tls_.emplace(ioc_, *tls_ctx_);
  } else {
    tcp_.emplace(ioc_);
  }
  beast::tcp_stream& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *tcp_;
  const auto deadline = Clock::now() + timeout;
  lowest.expires_after(timeout);
  lowest.async_connect(endpoints, [&](beast::error_code e, const asio::ip::tcp::endpoint&) { ec = e; });
  ioc_.restart();
  ioc_.run();
  if (ec) return NetError(at + ": connect", ec);
  lowest.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  if (!tls_) return OkStatus();

  if (!verify_name.empty()) {
    // SNI carries names only (RFC 6066); certificates for IPs are matched
    // by their IP SANs, which host_name_verification handles.
    asio::ip::make_address(verify_name, ec);
    if (ec && !SSL_set_tlsext_host_name(tls_->native_handle(), verify_name.c_str())) {
      return Error{at + ": TLS: cannot set server name", EPROTO};
    }
    tls_->set_verify_callback(asio::ssl::host_name_verification(verify_name));
  }
  return Step(at + ": TLS handshake", deadline - Clock::now(), [&](auto& stream, auto handler) {
    if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, beast::ssl_stream<beast::tcp_stream>>) {
      stream.async_handshake(asio::ssl::stream_base::client,
                             [handler](beast::error_code e) mutable { handler(e, 0); });
    }
  });
}

Status HttpConnection::Write(http::request<http::empty_body>& request, Clock::duration timeout,
                             const std::string& what) {
  return Step(what + ": send request", timeout,
              [&](auto& stream, auto handler) { http::async_write(stream, request, std::move(handler)); });
}

}  // namespace flows::flowd::k8s::detail
