// CRC-32 (IEEE 802.3, the polynomial of zlib and gzip), table driven. Guards
// every record the graph writes to disk.
#pragma once

#include <cstdint>
#include <string_view>

namespace flows::flowd::graph {

// Continues `crc` (0 to start) over `data`; Crc32("123456789") == 0xCBF43926.
std::uint32_t Crc32(std::string_view data, std::uint32_t crc = 0);

}  // namespace flows::flowd::graph
