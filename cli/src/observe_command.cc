// `flows observe`: flags -> GetFlowsRequest -> stream -> printer -> stdout.
#include <errno.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "commands.h"
#include "flows/cli/exit_codes.h"
#include "flows/cli/flow_printer.h"
#include "flows/cli/palette.h"
#include "observer/observer.grpc.pb.h"
#include "output.h"
#include "proto_json.h"
#include "text_util.h"

namespace flows::cli {
namespace {

// Without --follow, lines are written in batches of about this size: a
// `--last 65535` run makes a few hundred writes, not 65,535.
constexpr std::size_t kBatchBytes = 64 * 1024;

// Hubble's --print-raw-filters layout: YAML lists of one-line JSON filters
// (single-quoted, quotes doubled), empty lists left out.
std::string RawFilters(const observer::GetFlowsRequest& req) {
  std::string out;
  auto list = [&out](const char* name, const auto& filters) {
    if (filters.empty()) return;
    out += name;
    out += ":\n";
    for (const flow::FlowFilter& f : filters) {
      std::string json;
      if (!AppendProtoJson(f, json)) json = f.ShortDebugString();  // non-ASCII values
      std::string quoted;
      for (const char c : json) quoted += c == '\'' ? std::string("''") : std::string(1, c);
      out += "- '" + quoted + "'\n";
    }
  };
  list("allowlist", req.whitelist());
  list("denylist", req.blacklist());
  return out.empty() ? "{}\n" : out;
}

}  // namespace

int RunObserve(const ObserveOptions& o, const ServerOptions& server) {
  auto request = BuildGetFlowsRequest(o.selection, std::chrono::system_clock::now());
  if (!request) {
    PrintError(request.error().message);
    return kExitUsage;
  }
  if (o.print_raw_filters) {
    return FdWriter(STDOUT_FILENO).Write(RawFilters(*request)) ? kExitOk : kExitFailure;
  }
  PrintOptions print;
  print.time_layout = *ParseTimeLayout(o.time_format);  // checked by the flag
  print.color =
      ShouldColor(o.color, ::isatty(STDOUT_FILENO) == 1, std::getenv("TERM"), std::getenv("NO_COLOR"));
  print.print_node_name = o.print_node_name;
  print.numeric = o.numeric;
  auto printer = MakeFlowPrinter(*ParseOutputFormat(o.output), print);

  int exit_code = 0;
  const auto channel = Connect(server, exit_code);
  if (!channel) return exit_code;

  auto stub = observer::Observer::NewStub(channel);
  grpc::ClientContext ctx;
  auto reader = stub->GetFlows(&ctx, *request);
  FdWriter out_fd(STDOUT_FILENO), err_fd(STDERR_FILENO);
  std::string out, err;
  observer::GetFlowsResponse response;
  bool output_closed = false;
  while (reader->Read(&response)) {
    printer->Print(response, out, err);
    if (o.selection.follow) printer->Flush(out);
    if (!err.empty()) {
      err_fd.Write(err);
      err.clear();
    }
    if (o.selection.follow || out.size() >= kBatchBytes) {
      if (!out_fd.Write(out)) {
        output_closed = true;
        ctx.TryCancel();
        break;
      }
      out.clear();
    }
  }
  if (!output_closed) {
    printer->Flush(out);
    output_closed = !out_fd.Write(out);
  }
  const grpc::Status status = reader->Finish();
  if (output_closed) {
    // A reader that went away (`| head`) is a normal end.
    if (out_fd.errno_of_failure() == EPIPE) return kExitOk;
    PrintError(std::string("cannot write the output: ") + std::strerror(out_fd.errno_of_failure()));
    return kExitFailure;
  }
  if (status.ok()) return kExitOk;
  const std::string msg = OneLine(status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      PrintError("the server refused the request: " + msg);
      return kExitUsage;
    case grpc::StatusCode::UNAVAILABLE:
      PrintError("lost the connection to " + server.address + ": " + msg);
      return kExitFailure;
    default:
      PrintError("the server at " + server.address + " failed: " + msg);
      return kExitFailure;
  }
}

}  // namespace flows::cli
