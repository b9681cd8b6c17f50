#include "flows/api/flow_fields.h"

#include <iterator>

namespace flows::api {

std::string_view IcmpTypeName(bool v6, std::uint32_t type) {
  if (!v6) {
    switch (type) {
      case 0:
        return "EchoReply";
      case 3:
        return "DestinationUnreachable";
      case 5:
        return "Redirect";
      case 8:
        return "EchoRequest";
      case 11:
        return "TimeExceeded";
      case 12:
        return "ParameterProblem";
      default:
        return {};
    }
  }
  switch (type) {
    case 1:
      return "DestinationUnreachable";
    case 2:
      return "PacketTooBig";
    case 3:
      return "TimeExceeded";
    case 4:
      return "ParameterProblem";
    case 128:
      return "EchoRequest";
    case 129:
      return "EchoReply";
    case 133:
      return "RouterSolicitation";
    case 134:
      return "RouterAdvertisement";
    case 135:
      return "NeighborSolicitation";
    case 136:
      return "NeighborAdvertisement";
    default:
      return {};
  }
}

std::string_view DnsRcodeName(std::uint32_t rcode) {
  static constexpr std::string_view kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  return rcode < std::size(kNames) ? kNames[rcode] : std::string_view{};
}

}  // namespace flows::api
