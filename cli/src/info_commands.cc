// `flows status`, `flows list nodes`, `flows list namespaces`, `flows version`:
// one unary call each, printed as text (status_text.h) or proto3 JSON.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include "commands.h"
#include "flows/cli/exit_codes.h"
#include "flows/cli/status_text.h"
#include "observer/observer.grpc.pb.h"
#include "output.h"
#include "text_util.h"

#ifndef FLOWS_VERSION
#define FLOWS_VERSION "unknown"
#endif

namespace flows::cli {
namespace {

// Connects, then makes one unary call; prints what went wrong and returns
// the exit code when it did.
template <typename Request, typename Response, typename Call>
int Unary(const ServerOptions& server, Call call, Response& res) {
  int exit_code = 0;
  const auto channel = Connect(server, exit_code);
  if (!channel) return exit_code;
  auto stub = observer::Observer::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(CallDeadline(server));
  const grpc::Status st = call(*stub, &ctx, Request(), &res);
  if (!st.ok()) {
    PrintError("the server at " + server.address + " failed: " + OneLine(st.error_message()));
    return kExitFailure;
  }
  return kExitOk;
}

int Print(const google::protobuf::Message& m, const std::string& output, const std::string& text) {
  std::string out = text;
  if (output == "json") {
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    out.clear();
    if (!google::protobuf::util::MessageToJsonString(m, &out, opts).ok()) {
      PrintError("cannot print the answer as JSON");
      return kExitFailure;
    }
    out += '\n';
  }
  return FdWriter(STDOUT_FILENO).Write(out) ? kExitOk : kExitFailure;
}

}  // namespace

int RunStatus(const ServerOptions& server, const std::string& output) {
  observer::ServerStatusResponse res;
  const int rc = Unary<observer::ServerStatusRequest>(
      server, [](auto& stub, auto* ctx, const auto& req, auto* r) { return stub.ServerStatus(ctx, req, r); },
      res);
  if (rc != kExitOk) return rc;
  return Print(res, output, output == "json" ? "" : FormatStatus(res, server.address));
}

int RunListNodes(const ServerOptions& server, const std::string& output) {
  observer::GetNodesResponse res;
  const int rc = Unary<observer::GetNodesRequest>(
      server, [](auto& stub, auto* ctx, const auto& req, auto* r) { return stub.GetNodes(ctx, req, r); },
      res);
  if (rc != kExitOk) return rc;
  return Print(res, output, output == "json" ? "" : FormatNodes(res));
}

int RunListNamespaces(const ServerOptions& server, const std::string& output) {
  observer::GetNamespacesResponse res;
  const int rc = Unary<observer::GetNamespacesRequest>(
      server, [](auto& stub, auto* ctx, const auto& req, auto* r) { return stub.GetNamespaces(ctx, req, r); },
      res);
  if (rc != kExitOk) return rc;
  return Print(res, output, output == "json" ? "" : FormatNamespaces(res));
}

int RunVersion(const ServerOptions& server) {
  std::string out = "flows (client): " FLOWS_VERSION "\n";
  FdWriter(STDOUT_FILENO).Write(out);
  // The server's version is a courtesy: say why it is missing, but the
  // client's version was printed, so this is not a failure.
  observer::ServerStatusResponse res;
  auto channel = MakeChannel(server);
  if (!channel) {
    PrintError(channel.error().message);
    return kExitUsage;
  }
  if (auto st = WaitConnected(*channel, server); !st) {
    FdWriter(STDOUT_FILENO).Write("server at " + server.address + ": not reachable\n");
    return kExitOk;
  }
  auto stub = observer::Observer::NewStub(*channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(CallDeadline(server));
  const grpc::Status st = stub->ServerStatus(&ctx, observer::ServerStatusRequest(), &res);
  out = "server at " + server.address + ": " +
        (st.ok() ? (res.version().empty() ? std::string("version not reported") : res.version())
                 : "no answer (" + OneLine(st.error_message()) + ")") +
        "\n";
  FdWriter(STDOUT_FILENO).Write(out);
  return kExitOk;
}

}  // namespace flows::cli
