// One HTTP(S) connection driven synchronously from the calling thread: each
// step runs the connection's private io_context until that step completes,
// so Beast's per-operation deadlines apply, and a std::stop_token cancels a
// step from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "flows/flowd/k8s/cluster_config.h"
#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s::detail {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

class HttpConnection {
 public:
  // `tls` null for plain HTTP. `verify_name`: the name the server's
  // certificate must carry (empty: do not verify the name).
  HttpConnection(boost::asio::ssl::context* tls, const std::stop_token& stop);

  // `what` prefixes every error ("list pods").
  Status Connect(const ServerAddress& server, const std::string& verify_name, Clock::duration timeout,
                 const std::string& what);
  Status Write(http::request<http::empty_body>& request, Clock::duration timeout, const std::string& what);

  // Reads until the parser has the header / the whole message.
  template <class Parser>
  Status ReadHeader(Parser& parser, Clock::duration timeout, const std::string& what) {
    return Step(what, timeout, [&](auto& stream, auto handler) {
      http::async_read_header(stream, buffer_, parser, std::move(handler));
    });
  }
  template <class Parser>
  Status ReadAll(Parser& parser, Clock::duration timeout, const std::string& what) {
    return Step(what, timeout, [&](auto& stream, auto handler) {
      http::async_read(stream, buffer_, parser, std::move(handler));
    });
  }
  // Reads and parses whatever arrives next; a full buffer_body is not an
  // error.
  template <class Parser>
  Status ReadSome(Parser& parser, Clock::duration timeout, const std::string& what) {
    return Step(what, timeout, [&](auto& stream, auto handler) {
      http::async_read_some(stream, buffer_, parser, std::move(handler));
    });
  }

 private:
  template <class Start>
  Status Step(const std::string& what, Clock::duration timeout, Start start);
  Error NetError(const std::string& what, beast::error_code ec) const;

  boost::asio::io_context ioc_;
  boost::asio::ssl::context* tls_ctx_;
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  std::stop_token stop_;
  // Last member: destroyed first, so no cancellation can run on a
  // half-destroyed connection.
  std::stop_callback<std::function<void()>> on_stop_;
};

template <class Start>
Status HttpConnection::Step(const std::string& what, Clock::duration timeout, Start start) {
  if (stop_.stop_requested()) return Error{what + ": cancelled", ECANCELED};
  beast::tcp_stream& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *tcp_;
  lowest.expires_after(timeout);
  beast::error_code result;
  auto handler = [&result](beast::error_code ec, std::size_t) { result = ec; };
  if (tls_) {
    start(*tls_, handler);
  } else {
    start(*tcp_, handler);
  }
  ioc_.restart();
  ioc_.run();
  if (result == http::error::need_buffer) result = {};
  if (result) return NetError(what, result);
  return OkStatus();
}

}  // namespace flows::flowd::k8s::detail
