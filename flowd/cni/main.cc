// flows-cni: the chained CNI plugin that registers each new pod with flowd
// (so flowd attaches its programs before the pod's first packet) and then
// passes the chain's result through. All logic is in RunCniPlugin; this
// file only does the process's I/O.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string>

#include "flows/common/atomic_file.h"
#include "flows/common/unique_fd.h"
#include "flows/flowd/cni/cni_config.h"
#include "flows/flowd/cni/cni_plugin.h"

namespace {

// stdin up to one byte past the limit, so an oversized config is seen as such.
std::string ReadStdin() {
  std::string in;
  char buf[65536];
  while (in.size() <= flows::flowd::kMaxCniConfigBytes) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  return in;
}

// The plugin's output is best effort: if the runtime closed our stdout or
// stderr there is nowhere left to say so.
void Emit(int fd, const std::string& s, const char* what) {
  static_cast<void>(flows::WriteAll(fd, s, what));
}

std::string Timestamp() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int main() {
  const flows::flowd::CniEnv env = flows::flowd::CniEnvFromProcess();
  // VERSION takes no config worth reading; do not wait on a stdin nobody writes.
  const std::string input = env.command == "VERSION" ? std::string() : ReadStdin();
  const auto outcome = flows::flowd::RunCniPlugin(env, input, flows::flowd::SystemCniPluginIo());

  std::string log;
  for (const std::string& line : outcome.log) log += line + "\n";
  Emit(STDERR_FILENO, log, "stderr");  // the runtime keeps the plugin's stderr in its own log
  if (!outcome.log_file.empty() && !log.empty()) {
    const flows::UniqueFd fd(
        ::open(outcome.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (fd) {
      std::string stamped;
      for (const std::string& line : outcome.log) stamped += Timestamp() + " " + line + "\n";
      Emit(fd.get(), stamped, outcome.log_file.c_str());
    }
  }
  Emit(STDOUT_FILENO, outcome.stdout_text, "stdout");
  return outcome.exit_code;
}
