#include <arpa/inet.h>

#include "flows/datapath/flow.h"

namespace flows::datapath {

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof(buf));
  } else if (version == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  }
  return buf;
}

}  // namespace flows::datapath
