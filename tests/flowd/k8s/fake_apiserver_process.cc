#include "fake_apiserver_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "flows/flowd/k8s/token_source.h"

namespace flows::flowd::k8s::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::unique_ptr<FakeApiServer> FakeApiServer::Start(const Options& options, std::string* error) {
  std::unique_ptr<FakeApiServer> s(new FakeApiServer());
  char tmpl[] = "/tmp/flows-fake-apiserver-XXXXXX";
  s->dir_ = mkdtemp(tmpl);
  s->tls_ = options.tls;
  const std::string ports = s->dir_ + "/ports.json";
  std::vector<std::string> args = {"/usr/bin/python3", FAKE_APISERVER_PY, "--port-file", ports};
  if (!options.state_file.empty()) args.insert(args.end(), {"--state", options.state_file});
  if (options.tls) args.insert(args.end(), {"--tls-dir", s->dir_ + "/tls"});
  for (const std::string& t : options.tokens) args.insert(args.end(), {"--token", t});

  const std::string log = s->dir_ + "/server.log";
  // Everything the child needs is prepared before fork: only
  // async-signal-safe calls between fork and exec.
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  s->pid_ = fork();
  if (s->pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(ports)) {
    int status = 0;
    if (waitpid(s->pid_, &status, WNOHANG) == s->pid_) {
      s->pid_ = -1;
      *error = "fake_apiserver.py exited: " + s->Log();
      return nullptr;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      *error = "fake_apiserver.py did not start in time: " + s->Log();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream in(ports);
  nlohmann::json info = nlohmann::json::parse(in);
  s->port_ = info["port"];
  s->control_port_ = info["control_port"];
  if (options.tls) {
    s->ca_file_ = info["ca"];
    s->client_cert_ = info["client_cert"];
    s->client_key_ = info["client_key"];
  }
  return s;
}

FakeApiServer::~FakeApiServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

std::string FakeApiServer::Url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

ClusterConfig FakeApiServer::Config() const {
  ClusterConfig c;
  c.server = *ParseServerUrl(Url());
  if (tls_) c.ca_pem = *ReadSmallFile(ca_file_);
  return c;
}

std::string FakeApiServer::Log() const {
  std::ifstream in(dir_ + "/server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json FakeApiServer::Http(const std::string& method, const std::string& path,
                                   const std::string& body) {
  try {
    asio::io_context ioc;
    asio::ip::tcp::socket sock(ioc);
    sock.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(control_port_)});
    http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get, path, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "close");
    req.body() = body;
    req.prepare_payload();
    http::write(sock, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res);
    return nlohmann::json::parse(res.body());
  } catch (const std::exception& e) {
    return {{"error", e.what()}};
  }
}

nlohmann::json FakeApiServer::Act(const nlohmann::json& actions) {
  return Http("POST", "/_fake/actions", actions.dump());
}
nlohmann::json FakeApiServer::Get(const std::string& path) {
  return Http("GET", path, "");
}

std::vector<nlohmann::json> FakeApiServer::Requests(const std::string& path) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& r : Get("/_fake/requests")) {
    if (r["path"] == path) out.push_back(r);
  }
  return out;
}

bool FakeApiServer::WaitWatchers(const std::string& resource, int count, std::chrono::seconds timeout) {
  nlohmann::json reply =
      Act({{"op", "wait_watchers"}, {"resource", resource}, {"count", count}, {"timeout", timeout.count()}});
  return !reply.contains("error");
}

}  // namespace flows::flowd::k8s::testing
