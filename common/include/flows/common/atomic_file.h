// Whole-file reads and crash-safe whole-file writes for small state files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "flows/common/result.h"

namespace flows {

// Writes `contents` to a temporary file next to `path`, fsyncs it, renames it
// over `path` and fsyncs the directory: readers (and a restarted daemon) see
// the old file or the new one, never a torn one.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Writes all of `data` to `fd` (short writes and EINTR retried); `what`
// names the file in the error.
Status WriteAll(int fd, std::string_view data, const std::string& what);

// Reads a regular file of at most `max_bytes` (a file that grew past it is
// refused, with EMSGSIZE, rather than read into memory).
Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes = 1u << 20);

}  // namespace flows
