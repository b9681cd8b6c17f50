#include "flows/flowd/cni/cni_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "flows/common/unique_fd.h"

namespace flows::flowd {

namespace asio = boost::asio;
using asio::local::stream_protocol;
using boost::system::error_code;

struct CniServer::Impl {
  CniServerOptions options;
  EndpointSink& sink;
  asio::io_context io;
  stream_protocol::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::thread thread;
  ino_t inode = 0;  // of the socket file we created, so Stop removes only ours
  bool stopped = false;

  Impl(CniServerOptions o, EndpointSink& s) : options(std::move(o)), sink(s) {}
  void Log(const std::string& line) const {
    if (options.log) options.log("cni-server: " + line);
  }
  void Accept();
};

namespace {

// One connection: read a line, answer it, repeat, until the peer closes, idles or misbehaves.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(stream_protocol::socket socket, CniServer::Impl& server)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), buf_(kMaxCniLine), server_(server) {}

  void ReadLine() {
    timer_.expires_after(server_.options.idle_timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->Close();  // idle: a peer that never finishes its line loses it
    });
    asio::async_read_until(socket_, buf_, '\n', [self = shared_from_this()](error_code ec, std::size_t n) {
      self->OnLine(ec, n);
    });
  }

 private:
  void OnLine(error_code ec, std::size_t n) {
    timer_.cancel();
    if (ec == asio::error::not_found) {  // buf_ is full and holds no newline
      server_.Log("request line longer than " + std::to_string(kMaxCniLine) + " bytes; closing");
      CniReply reply;
      reply.error = "bad request: longer than " + std::to_string(kMaxCniLine) + " bytes";
      Write(SerializeCniReply(reply), /*then_close=*/true);
      return;
    }
    if (ec) return;  // closed by the peer, by the idle timer, or by Stop
    const auto data = buf_.data();
    const std::string line(asio::buffers_begin(data),
                           asio::buffers_begin(data) + static_cast<std::ptrdiff_t>(n));
    buf_.consume(n);
    const CniReply reply = HandleCniRequest(line, server_.sink, server_.options.node_name);
    if (!reply.ok) server_.Log("refused: " + reply.error);
    Write(SerializeCniReply(reply), /*then_close=*/false);
  }

  void Write(std::string text, bool then_close) {
    auto out = std::make_shared<std::string>(std::move(text));
    asio::async_write(socket_, asio::buffer(*out),
                      [self = shared_from_this(), out, then_close](error_code ec, std::size_t) {
                        if (ec || then_close) return self->Close();
                        self->ReadLine();
                      });
  }

  void Close() {
    error_code ignored;
    socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  stream_protocol::socket socket_;
  asio::steady_timer timer_;
  asio::streambuf buf_;
  CniServer::Impl& server_;
};

// A socket file left by a previous flowd is replaced; one still being served is not.
Status ClearSocketPath(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return OkStatus();
    return Error::System("stat " + path, errno);
  }
  if (!S_ISSOCK(st.st_mode)) return Error::Invalid(path + " exists and is not a socket; not replacing it");
  const UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error::System("socket", errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const bool live = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  if (live) return Error{path + ": another process is serving this socket", EADDRINUSE};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Error::System("remove stale socket " + path, errno);
  return OkStatus();
}

}  // namespace

void CniServer::Impl::Accept() {
  acceptor.async_accept([this](error_code ec, stream_protocol::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or similar: back off instead of spinning.
      Log("accept: " + ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), *this)->ReadLine();
    Accept();
  });
}

Result<std::unique_ptr<CniServer>> CniServer::Start(CniServerOptions options, EndpointSink& sink) {
  const std::string path = options.socket_path;
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path))
    return Error::Invalid("socket path empty or longer than " +
                          std::to_string(sizeof(sockaddr_un{}.sun_path) - 1));
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code fs_ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, fs_ec);
  if (fs_ec) return Error::System("create " + parent.string(), fs_ec.value());
  if (Status s = ClearSocketPath(path); !s) return s.error();

  auto impl = std::make_unique<Impl>(std::move(options), sink);
  error_code ec;
  impl->acceptor.open(stream_protocol(), ec);
  if (!ec) impl->acceptor.bind(stream_protocol::endpoint(path), ec);
  if (ec) return Error::System("bind " + path, ec.value());
  // Restrict before listen(): nobody can connect in between.
  struct stat st {};
  if (::chmod(path.c_str(), impl->options.socket_mode) != 0 || ::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    ::unlink(path.c_str());
    return Error::System("chmod " + path, e);
  }
  impl->inode = st.st_ino;
  impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    ::unlink(path.c_str());
    return Error::System("listen " + path, ec.value());
  }
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<CniServer>(new CniServer(std::move(impl)));
}

CniServer::CniServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CniServer::~CniServer() {
  Stop();
}

void CniServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  error_code ignored;
  impl_->acceptor.close(ignored);
  struct stat st {};
  const std::string& path = impl_->options.socket_path;
  if (::lstat(path.c_str(), &st) == 0 && st.st_ino == impl_->inode) ::unlink(path.c_str());
}

const std::string& CniServer::socket_path() const {
  return impl_->options.socket_path;
}

}  // namespace flows::flowd
