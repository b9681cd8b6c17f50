// `flows map`: one GetGraph call to flowd or flows-relay, printed in the
// chosen format; `flows map diff`: two saved maps compared, no server.
#include <fcntl.h>
#include <unistd.h>

#include "commands.h"
#include "flows/cli/exit_codes.h"
#include "flows/cli/map_format.h"
#include "flows/common/unique_fd.h"
#include "graph/graph.grpc.pb.h"
#include "map_json.h"
#include "map_text.h"
#include "output.h"
#include "text_util.h"

namespace flows::cli {
namespace {

// A map file larger than this is not one `flows map` wrote.
constexpr std::size_t kMaxMapFileBytes = 512u << 20;
// Graphs of 100,000+ edges pass gRPC's default limit of 4 MiB.
constexpr int kMaxGraphBytes = 1 << 30;

Result<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::System("cannot open", errno);
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::System("cannot read", errno);
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > kMaxMapFileBytes) {
      return Error::Invalid("larger than " + std::to_string(kMaxMapFileBytes >> 20) + " MiB");
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
}

Result<graph::GetGraphResponse> LoadMap(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return Error::Invalid(TerminalCell(path) + ": " + text.error().message);
  auto map = ParseMapJson(*text);
  if (!map) return Error::Invalid(TerminalCell(path) + ": " + TerminalCell(map.error().message));
  return map;
}

}  // namespace

std::string FormatMap(MapFormat format, const graph::GetGraphResponse& graph,
                      std::chrono::system_clock::time_point now) {
  switch (format) {
    case MapFormat::kDot:
      return FormatMapDot(graph);
    case MapFormat::kMermaid:
      return FormatMapMermaid(graph);
    case MapFormat::kJson:
      return FormatMapJson(graph);
    default:
      return FormatMapTable(graph, now);
  }
}

int RunMap(const MapOptions& options, ServerOptions server) {
  const auto now = std::chrono::system_clock::now();
  auto request = BuildGraphRequest(options, now);
  if (!request) {
    PrintError(request.error().message);
    return kExitUsage;
  }
  server.max_receive_bytes = kMaxGraphBytes;
  int exit_code = 0;
  const auto channel = Connect(server, exit_code);
  if (!channel) return exit_code;
  auto stub = graph::Graph::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(CallDeadline(server));
  graph::GetGraphResponse graph;
  const grpc::Status st = stub->GetGraph(&ctx, *request, &graph);
  if (!st.ok()) {
    const std::string detail = TerminalCell(OneLine(st.error_message()));
    switch (st.error_code()) {
      case grpc::StatusCode::INVALID_ARGUMENT:
        // The server's check of the flags: fixing them will help.
        PrintError("the server refused the request: " + detail);
        return kExitUsage;
      case grpc::StatusCode::UNIMPLEMENTED:
        PrintError("the server at " + server.address +
                   " does not serve the connectivity graph (flows.graph.Graph): it is not flowd or "
                   "flows-relay, or older than `flows map`");
        return kExitFailure;
      default:
        PrintError("the server at " + server.address + " failed: " + detail);
        return kExitFailure;
    }
  }
  const MapFormat format = ParseMapFormat(options.output).value_or(MapFormat::kTable);
  // The table carries the partial note as its footer; the other formats
  // go to files and tools, so the note also goes to stderr.
  if (const std::string note = PartialNote(graph); !note.empty() && format != MapFormat::kTable) {
    PrintError(TerminalCell(note));
  }
  return FdWriter(STDOUT_FILENO).Write(FormatMap(format, graph, now)) ? kExitOk : kExitFailure;
}

int RunMapDiff(const MapDiffOptions& options) {
  auto before = LoadMap(options.before);
  if (!before) {
    PrintError(before.error().message);
    return kExitUsage;
  }
  auto after = LoadMap(options.after);
  if (!after) {
    PrintError(after.error().message);
    return kExitUsage;
  }
  if (before->group_by() != after->group_by()) {
    PrintError("warning: the maps are grouped differently (" + std::string(GroupByName(before->group_by())) +
               ", " + std::string(GroupByName(after->group_by())) + "): their edges will not match");
  }
  const MapDiff diff = DiffMaps(*before, *after, options.thresholds);
  if (!FdWriter(STDOUT_FILENO).Write(FormatMapDiff(diff, options.thresholds))) return kExitFailure;
  return DiffFails(diff, options.fail_on) ? kExitFailure : kExitOk;
}

}  // namespace flows::cli
