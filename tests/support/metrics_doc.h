// docs/metrics.md against what a process exports: the families documented
// in a section (read by tests/support/metrics_doc.sh, the one reader of the
// doc) and the families in a Prometheus text exposition, both as sorted
// "<name> <type>" lines, to compare both ways.
// Needs FLOWS_SOURCE_DIR (the repository root) defined for the test.
#pragma once

#include <cstdio>
#include <set>
#include <sstream>
#include <string>

namespace flows::testing_support {

inline std::string SourcePath(const std::string& relative) {
  return std::string(FLOWS_SOURCE_DIR) + "/" + relative;
}

// Empty when the script fails (the test then reports the difference).
inline std::set<std::string> DocumentedFamilies(const std::string& section, bool hubble_names = false) {
  const std::string cmd = SourcePath("tests/support/metrics_doc.sh") + " " + SourcePath("docs/metrics.md") +
                          " '" + section + "'" + (hubble_names ? " hubble" : "");
  std::set<std::string> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (!s.empty()) out.insert(s);
  }
  ::pclose(p);
  return out;
}

// From the "# TYPE <name> <type>" lines.
inline std::set<std::string> ExposedFamilies(const std::string& exposition) {
  std::set<std::string> out;
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    std::istringstream words(line.substr(7));
    std::string name, type;
    words >> name >> type;
    out.insert(name + " " + type);
  }
  return out;
}

// Lines of `a` not in `b`, one per line (for failure messages).
inline std::string Missing(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  for (const auto& x : a)
    if (b.count(x) == 0) out += "  " + x + "\n";
  return out;
}

}  // namespace flows::testing_support
