// Whole-file reads and crash-safe whole-file writes for small state files.
#pragma once

#include <cstddef>
#include <string>

#include "flows/datapath/result.h"

namespace flows::flowd {

// Writes `contents` to a temporary file next to `path`, fsyncs it, renames it
// over `path` and fsyncs the directory: readers (and a restarted daemon) see
// the old file or the new one, never a torn one.
datapath::Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Reads a regular file of at most `max_bytes` (a state file that grew past it
// is refused rather than read into memory).
datapath::Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes);

}  // namespace flows::flowd
