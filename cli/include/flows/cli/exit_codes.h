// What `flows` exits with, so scripts can tell a typo from an outage.
#pragma once

namespace flows::cli {

inline constexpr int kExitOk = 0;
// The server could not be reached, or failed while answering.
inline constexpr int kExitFailure = 1;
// The command line is wrong (unknown flag, bad value, conflicting flags):
// running it again will not help, fixing it will.
inline constexpr int kExitUsage = 2;

}  // namespace flows::cli
