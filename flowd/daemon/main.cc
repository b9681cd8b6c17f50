// flowd: see flows/flowd/daemon.h for what it assembles.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "flows/flowd/daemon/daemon.h"
#include "flows/flowd/daemon/daemon_options.h"
#include "flows/flowd/daemon/ingest_pipeline.h"

int main(int argc, char** argv) {
  auto parsed = flows::flowd::ParseDaemonOptions(argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  flows::flowd::TuneAllocatorForIngest();
  // Logs go to stderr, as a DaemonSet's container logs expect.
  spdlog::set_default_logger(spdlog::stderr_color_mt("flowd"));
  spdlog::set_level(spdlog::level::from_str(parsed.options.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z flowd %l: %v");

  // Every thread inherits this mask, so SIGINT/SIGTERM reach only sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that vanishes mid-write is an error return, not death

  auto daemon = flows::flowd::Daemon::Start(std::move(parsed.options));
  if (!daemon) {
    spdlog::error("{}", daemon.error().message);
    return 1;
  }
  std::jthread housekeeping([&](const std::stop_token& st) { (*daemon)->Run(st); });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("stopping ({})", sig == SIGINT ? "SIGINT" : "SIGTERM");
  housekeeping.request_stop();
  housekeeping.join();
  daemon->reset();
  return 0;
}
