#include "flows/cli/server.h"

#include "flows/api/tls/credentials.h"
#include "flows/cli/exit_codes.h"
#include "flows/cli/time_parse.h"
#include "observer/observer.grpc.pb.h"
#include "output.h"
#include "text_util.h"

namespace flows::cli {
namespace {

std::chrono::milliseconds TimeoutOf(const ServerOptions& o) {
  const auto d = ParseGoDuration(o.timeout);
  // Validated by MakeChannel; the fallback only keeps this total.
  return d && d->count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(*d)
                             : std::chrono::milliseconds(5000);
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  if (!address.empty() && address.front() == '/') return "unix://" + std::string(address);
  return std::string(address);
}

Result<std::shared_ptr<grpc::Channel>> MakeChannel(const ServerOptions& o) {
  if (o.address.empty()) return Error::Invalid("--server: empty address");
  const auto timeout = ParseGoDuration(o.timeout);
  if (!timeout || timeout->count() <= 0) {
    return Error::Invalid("--timeout \"" + o.timeout + "\" is not a positive duration like 5s or 500ms");
  }
  const std::string target = NormalizeAddress(o.address);
  grpc::ChannelArguments args;
  if (o.max_receive_bytes > 0) args.SetMaxReceiveMessageSize(o.max_receive_bytes);
  if (!o.tls) {
    for (const auto& [flag, set] : {std::pair{"tls-ca-cert-files", !o.tls_ca_cert_files.empty()},
                                    std::pair{"tls-client-cert-file", !o.tls_client_cert_file.empty()},
                                    std::pair{"tls-client-key-file", !o.tls_client_key_file.empty()},
                                    std::pair{"tls-server-name", !o.tls_server_name.empty()}}) {
      if (set) return Error::Invalid("--" + std::string(flag) + " needs --tls");
    }
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  auto ssl =
      api::MakeChannelCredentials({o.tls_ca_cert_files, o.tls_client_cert_file, o.tls_client_key_file},
                                  {"--tls-ca-cert-files", "--tls-client-cert-file", "--tls-client-key-file"});
  if (!ssl) return ssl.error();
  if (!o.tls_server_name.empty()) args.SetSslTargetNameOverride(o.tls_server_name);
  return grpc::CreateCustomChannel(target, *ssl, args);
}

Status WaitConnected(const std::shared_ptr<grpc::Channel>& channel, const ServerOptions& o) {
  const auto deadline = std::chrono::system_clock::now() + TimeoutOf(o);
  grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      // The channel knows it failed but not why; a fail-fast call carries
      // gRPC's reason ("No such file or directory", "Connection refused").
      auto stub = observer::Observer::NewStub(channel);
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
      observer::ServerStatusResponse res;
      const grpc::Status st = stub->ServerStatus(&ctx, observer::ServerStatusRequest(), &res);
      if (st.ok()) return OkStatus();  // it came up meanwhile
      return Error::Invalid(UnreachableMessage(o.address, OneLine(st.error_message())));
    }
    if (!channel->WaitForStateChange(state, deadline)) {
      return Error::Invalid(UnreachableMessage(o.address, "no answer within --timeout " + o.timeout));
    }
    state = channel->GetState(true);
  }
  return OkStatus();
}

std::string UnreachableMessage(std::string_view address, std::string_view detail) {
  return "cannot reach the flows server at " + std::string(address) + " (" + std::string(detail) +
         "): is flowd (or flows-relay) running there? Point --server or FLOWS_SERVER at it";
}

std::chrono::system_clock::time_point CallDeadline(const ServerOptions& o) {
  return std::chrono::system_clock::now() + TimeoutOf(o);
}

std::shared_ptr<grpc::Channel> Connect(const ServerOptions& options, int& exit_code) {
  auto channel = MakeChannel(options);
  if (!channel) {
    PrintError(channel.error().message);
    exit_code = kExitUsage;
    return nullptr;
  }
  if (auto st = WaitConnected(*channel, options); !st) {
    PrintError(st.error().message);
    exit_code = kExitFailure;
    return nullptr;
  }
  return *channel;
}

}  // namespace flows::cli
