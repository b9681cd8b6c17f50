// -o table: aligned columns under a header, as Hubble's table output.
// Rows are held until Flush so columns can be aligned; when following,
// Flush comes after every response and columns only ever widen.
#include <algorithm>
#include <array>
#include <vector>

#include "flows/cli/flow_text.h"
#include "printers.h"

namespace flows::cli {
namespace {

constexpr std::size_t kPadding = 3;  // spaces between columns, as Hubble's tabwriter

// Width on a terminal: escape sequences take none, UTF-8 continuation bytes
// belong to the character before them.
std::size_t VisibleWidth(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++width;
  }
  return width;
}

class TablePrinter final : public FlowPrinter {
 public:
  explicit TablePrinter(const PrintOptions& o)
      : palette_(o.color), time_(o.time_layout), node_(o.print_node_name), numeric_(o.numeric) {
    std::vector<std::string> header = {"TIMESTAMP"};
    if (node_) header.emplace_back("NODE");
    for (const char* h : {"SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY"}) header.emplace_back(h);
    rows_.push_back(std::move(header));
  }

  void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) override {
    (void)out;
    if (!r.has_flow()) {
      AppendEventLine(r, time_, err);
      return;
    }
    const flow::Flow& f = r.flow();
    std::vector<std::string> row;
    row.reserve(7);
    time_.Append(f.time(), row.emplace_back());
    if (node_) row.push_back(f.node_name().empty() ? r.node_name() : f.node_name());
    AppendEndpoint(f, Side::kSource, palette_, row.emplace_back(), numeric_);
    AppendEndpoint(f, Side::kDestination, palette_, row.emplace_back(), numeric_);
    AppendFlowType(f, row.emplace_back());
    AppendVerdict(f, palette_, row.emplace_back());
    AppendSummary(f, palette_, row.emplace_back());
    rows_.push_back(std::move(row));
  }

  void Flush(std::string& out) override {
    for (const auto& row : rows_) {
      if (widths_.size() < row.size()) widths_.resize(row.size(), 0);
      for (std::size_t i = 0; i < row.size(); ++i) widths_[i] = std::max(widths_[i], VisibleWidth(row[i]));
    }
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += row[i];
        if (i + 1 < row.size()) out.append(widths_[i] + kPadding - VisibleWidth(row[i]), ' ');
      }
      out += '\n';
    }
    rows_.clear();
  }

 private:
  Palette palette_;
  TimeFormatter time_;
  bool node_;
  bool numeric_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> widths_;
};

}  // namespace

std::unique_ptr<FlowPrinter> MakeTablePrinter(const PrintOptions& options) {
  return std::make_unique<TablePrinter>(options);
}

}  // namespace flows::cli
