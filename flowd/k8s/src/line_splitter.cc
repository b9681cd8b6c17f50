#include "flows/flowd/k8s/line_splitter.h"

namespace flows::flowd::k8s {

namespace {
std::string_view Trim(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}
}  // namespace

Result<bool> LineSplitter::Feed(std::string_view bytes, const OnLine& on_line) {
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const std::size_t take = nl == std::string_view::npos ? bytes.size() : nl;
    if (partial_.size() + take > max_line_) {
      partial_.clear();
      return Error{"watch stream line longer than " + std::to_string(max_line_) + " bytes", kErrTooLarge};
    }
    if (nl == std::string_view::npos) {
      partial_.append(bytes);
      return true;
    }
    std::string_view line;
    if (partial_.empty()) {
      line = bytes.substr(0, nl);  // the common case: no copy
    } else {
      partial_.append(bytes.substr(0, nl));
      line = partial_;
    }
    line = Trim(line);
    const bool go_on = line.empty() || on_line(line);
    partial_.clear();
    bytes.remove_prefix(nl + 1);
    if (!go_on) return false;
  }
  return true;
}

}  // namespace flows::flowd::k8s
