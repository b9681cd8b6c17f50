#include "flows/flowd/k8s/beast_client.h"

#include <boost/asio/ssl/context.hpp>
#include <limits>
#include <vector>

#include "flows/flowd/k8s/bounded_json.h"
#include "flows/flowd/k8s/line_splitter.h"
#include "http_connection.h"

namespace flows::flowd::k8s {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using detail::Clock;
using detail::HttpConnection;

struct BeastApiClient::Impl {
  ClusterConfig config;
  BeastClientOptions options;
  std::unique_ptr<asio::ssl::context> tls;  // null for http://

  std::string VerifyName() const {
    if (!tls || config.insecure_skip_tls_verify) return "";
    return config.tls_server_name.empty() ? config.server.host : config.tls_server_name;
  }

  // A connection with the request for `target` sent.
  Result<std::unique_ptr<HttpConnection>> Open(const std::string& target, const std::string& what,
                                               const std::stop_token& stop) {
    auto conn = std::make_unique<HttpConnection>(tls.get(), stop);
    if (Status s = conn->Connect(config.server, VerifyName(), options.connect_timeout, what); !s)
      return s.error();
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, config.server.Authority());
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept, "application/json");
    // One request per connection: a list is a handful of requests per
    // relist, and a watch holds its connection for minutes anyway.
    req.set(http::field::connection, "close");
    if (config.token) {
      Result<std::string> token = config.token->Token();
      if (!token) return Error{what + ": bearer token: " + token.error().message, token.error().err};
      req.set(http::field::authorization, "Bearer " + *token);
    }
    if (Status s = conn->Write(req, options.request_timeout, what); !s) return s.error();
    return conn;
  }

  // A non-2xx reply: the Status object's message when the body has one.
  static Error HttpError(const std::string& what, unsigned status, std::string_view reason,
                         std::string_view body) {
    std::string message = what + ": HTTP " + std::to_string(status) + " " + std::string(reason);
    if (Result<nlohmann::json> doc = ParseJson(body.substr(0, 64 * 1024)); doc && doc->is_object()) {
      auto it = doc->find("message");
      if (it != doc->end() && it->is_string()) message += ": " + it->get<std::string>().substr(0, 1024);
    }
    int err = kErrHttpStatus;
    if (status == 410) err = kErrGone;
    if (status == 401 || status == 403) err = kErrUnauthorized;
    return Error{std::move(message), err};
  }
};

BeastApiClient::BeastApiClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BeastApiClient::~BeastApiClient() = default;

Result<std::unique_ptr<BeastApiClient>> BeastApiClient::Create(ClusterConfig config,
                                                               BeastClientOptions options) {
  auto impl = std::make_unique<Impl>();
  if (config.server.tls) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    if (config.insecure_skip_tls_verify) {
      ctx->set_verify_mode(asio::ssl::verify_none);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_peer);
      if (config.ca_pem.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) return Error::Invalid("TLS: cannot load the system's CA certificates: " + ec.message());
      } else {
        ctx->add_certificate_authority(asio::buffer(config.ca_pem), ec);
        if (ec) return Error::Invalid("TLS: invalid CA certificate (PEM expected): " + ec.message());
      }
    }
    if (!config.client_cert_pem.empty()) {
      ctx->use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
      if (ec) return Error::Invalid("TLS: invalid client certificate (PEM expected): " + ec.message());
      ctx->use_private_key(asio::buffer(config.client_key_pem), asio::ssl::context::pem, ec);
      if (ec)
        return Error::Invalid("TLS: invalid client key (PEM expected) or not the certificate's: " +
                              ec.message());
    }
    impl->tls = std::move(ctx);
  }
  impl->config = std::move(config);
  impl->options = std::move(options);
  return std::unique_ptr<BeastApiClient>(new BeastApiClient(std::move(impl)));
}

Result<ListPage> BeastApiClient::List(const Resource& resource, const ListOptions& options,
                                      std::stop_token stop) {
  const BeastClientOptions& opt = impl_->options;
  const std::string what = "list " + resource.DisplayName();
  Result<std::unique_ptr<HttpConnection>> conn =
      impl_->Open(ListTarget(impl_->config.server.base_path, resource, options), what, stop);
  if (!conn) return conn.error();

  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
  parser.body_limit(opt.max_list_bytes);
  if (Status s = (*conn)->ReadAll(parser, opt.request_timeout, what); !s) return s.error();
  const auto& res = parser.get();
  if (res.result_int() != 200)
    return Impl::HttpError(what, res.result_int(), std::string(res.reason()), res.body());

  Result<nlohmann::json> doc = ParseJson(res.body(), {.max_bytes = opt.max_list_bytes});
  if (!doc) return Error{what + ": " + doc.error().message, doc.error().err};
  if (!doc->is_object()) return Error::Invalid(what + ": reply is not a JSON object");
  ListPage page;
  if (auto md = doc->find("metadata"); md != doc->end() && md->is_object()) {
    if (auto rv = md->find("resourceVersion"); rv != md->end() && rv->is_string())
      page.resource_version = *rv;
    if (auto c = md->find("continue"); c != md->end() && c->is_string()) page.continue_token = *c;
  }
  if (page.resource_version.empty()) return Error::Invalid(what + ": reply has no metadata.resourceVersion");
  auto items = doc->find("items");
  if (items != doc->end() && !items->is_null()) {
    if (!items->is_array()) return Error::Invalid(what + ": items is not an array");
    page.items.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (!(*items)[i].is_object())
        return Error::Invalid(what + ": items[" + std::to_string(i) + "] is not an object");
      page.items.push_back(std::move((*items)[i]));
    }
  }
  return page;
}

Status BeastApiClient::Watch(const Resource& resource, const WatchOptions& options,
                             const WatchHandler& on_event, std::stop_token stop) {
  const BeastClientOptions& opt = impl_->options;
  const std::string what = "watch " + resource.DisplayName();
  Result<std::unique_ptr<HttpConnection>> conn =
      impl_->Open(WatchTarget(impl_->config.server.base_path, resource, options), what, stop);
  if (!conn) return conn.error();

  // buffer_body: the body is handed over piece by piece as it arrives, so
  // events reach on_event while the response is still open.
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
  // A watch is as long as the server keeps it; lines are bounded instead.
  // (Not boost::none: Boost 1.74 compares a Content-Length against an
  // empty optional as "over the limit".)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (Status s = (*conn)->ReadHeader(parser, opt.request_timeout, what); !s) return s.error();

  std::chrono::seconds idle = opt.watch_idle_timeout;
  if (idle.count() == 0) {
    idle = options.timeout_seconds > 0 ? std::chrono::seconds(options.timeout_seconds + 60)
                                       : std::chrono::minutes(10);
  }
  const unsigned status = parser.get().result_int();
  std::vector<char> buf(64 * 1024);
  std::string error_body;  // for a non-200 reply, up to 64 KiB of its Status
  LineSplitter lines(opt.max_event_bytes);
  std::optional<Error> failure;
  bool stopped = false;
  const JsonLimits limits{.max_bytes = opt.max_event_bytes};

  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = buf.data();
    body.size = buf.size();
    if (Status s = (*conn)->ReadSome(
            parser, status == 200 ? Clock::duration(idle) : Clock::duration(opt.request_timeout), what);
        !s) {
      return s.error();
    }
    const std::string_view got(buf.data(), buf.size() - body.size);
    if (status != 200) {
      error_body.append(got.substr(0, 64 * 1024 - std::min<std::size_t>(error_body.size(), 64 * 1024)));
      continue;
    }
    Result<bool> fed = lines.Feed(got, [&](std::string_view line) {
      Result<WatchEvent> ev = DecodeWatchEvent(line, limits);
      if (!ev) {
        failure = Error{what + ": " + ev.error().message, ev.error().err};
        return false;
      }
      if (!on_event(std::move(*ev))) stopped = true;
      return !stopped;
    });
    if (!fed) return Error{what + ": " + fed.error().message, fed.error().err};
    if (failure) return *failure;
    if (stopped) return OkStatus();
  }
  if (status != 200) return Impl::HttpError(what, status, std::string(parser.get().reason()), error_body);
  if (lines.pending() > 0) return Error{what + ": stream ended in the middle of an event", ECONNRESET};
  return OkStatus();
}

}  // namespace flows::flowd::k8s
