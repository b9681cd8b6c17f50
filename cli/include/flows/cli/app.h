// The `flows` command: observe, status, list nodes, list namespaces,
// version. Returns the exit code (exit_codes.h); writes to fds 1 and 2.
#pragma once

namespace flows::cli {

int RunApp(int argc, char** argv);

}  // namespace flows::cli
