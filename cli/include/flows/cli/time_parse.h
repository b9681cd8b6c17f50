// Times and durations as Hubble's CLI reads them: --since/--until take an
// RFC 3339 time ("2026-11-22T03:19:46Z", with optional fraction and offset),
// a local date-time ("2026-11-22T03:19:46", "2026-11-22T03:19",
// "2026-11-22"), or a Go duration counted back from now ("5m", "1h30m",
// "90s", "1.5h").
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace flows::cli {

// Go's time.ParseDuration syntax: [+-]? (number unit)+ with units ns, us,
// µs, ms, s, m, h; "0" alone. nullopt when malformed or out of range.
std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// nullopt when the text is none of the accepted forms, or outside the
// years 1-9999 a Timestamp can hold.
std::optional<google::protobuf::Timestamp> ParseTimeArg(std::string_view text,
                                                        std::chrono::system_clock::time_point now);

// ParseTimeArg, and durations led by whole days ("7d", "1d12h"): the
// connectivity graph keeps weeks, so `flows map` windows are counted in
// days. `observe` keeps Hubble's forms exactly.
std::optional<google::protobuf::Timestamp> ParseTimeArgWithDays(std::string_view text,
                                                                std::chrono::system_clock::time_point now);

google::protobuf::Timestamp ToTimestamp(std::chrono::system_clock::time_point t);

}  // namespace flows::cli
