// http_status_code, http_method, http_path, http_url, http_header, dns_query.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

std::string HttpWithCode(int code) {
  return "l7 { http { code: " + std::to_string(code) + " } }";
}

TEST(L7FilterTest, HttpStatusCode) {
  ExpectCases({
      {R"(http_status_code: "404")", HttpWithCode(404), true},
      {R"(http_status_code: "404")", HttpWithCode(403), false},
      {R"(http_status_code: "5+")", HttpWithCode(500), true},
      {R"(http_status_code: "5+")", HttpWithCode(599), true},
      {R"(http_status_code: "5+")", HttpWithCode(499), false},
      {R"(http_status_code: "40+")", HttpWithCode(400), true},
      {R"(http_status_code: "40+")", HttpWithCode(409), true},
      {R"(http_status_code: "40+")", HttpWithCode(410), false},
      {R"(http_status_code: "1+")", HttpWithCode(101), true},
      {R"(http_status_code: "404" http_status_code: "5+")", HttpWithCode(503), true},
      {R"(http_status_code: "5+")", R"(l7 { http { method: "GET" } })", false},  // a request: code 0
      {R"(http_status_code: "5+")", R"(l7 { dns { rcode: 5 } })", false},
      {R"(http_status_code: "5+")", "", false},
  });
}

TEST(L7FilterTest, HttpMethod) {
  const std::string get = R"(l7 { http { method: "GET" url: "http://a/" } })";
  ExpectCases({
      {R"(http_method: "GET")", get, true},
      {R"(http_method: "get")", get, true},  // case-insensitive
      {R"(http_method: "POST")", get, false},
      {R"(http_method: "GE")", get, false},  // exact, not a prefix
      {R"(http_method: "POST" http_method: "Get")", get, true},
      {R"(http_method: "GET")", R"(l7 { dns { } })", false},
  });
}

TEST(L7FilterTest, HttpPath) {
  const std::string full = R"(l7 { http { url: "http://shop.svc:8080/api/v1/cart?id=7" } })";
  const std::string origin_form = R"(l7 { http { url: "/api/v2/items?x=/api/v1" } })";
  ExpectCases({
      {R"(http_path: "/api/v1")", full, true},         // unanchored, like Go's MatchString
      {R"(http_path: "^/api/v1/cart$")", full, true},  // the query string is not part of the path
      {R"(http_path: "id=7")", full, false},
      {R"(http_path: "shop")", full, false},  // nor is the host
      {R"(http_path: "^/api/v[0-9]+/")", full, true},
      {R"(http_path: "/api/v1")", origin_form, false},  // only in the query
      {R"(http_path: "^/api/v2/items$")", origin_form, true},
      {R"(http_path: "^$")", R"(l7 { http { url: "http://host" } })", true},  // empty path
      {R"(http_path: ".*")", R"(l7 { http { url: "not a url" } })", false},
      {R"(http_path: ".*")", R"(l7 { http { } })", false},
      {R"(http_path: "x" http_path: "cart")", full, true},
  });
}

TEST(L7FilterTest, HttpUrl) {
  const std::string full = R"(l7 { http { url: "http://shop.svc:8080/api/v1/cart?id=7" } })";
  ExpectCases({
      {R"(http_url: "shop\\.svc")", full, true},
      {R"(http_url: "id=7$")", full, true},
      {R"(http_url: "^https://")", full, false},
      {R"(http_url: "^http://shop")", full, true},
      {R"(http_url: ".*")", R"(l7 { http { } })", false},  // no URL
  });
}

TEST(L7FilterTest, HttpHeader) {
  const std::string flow = R"(l7 { http { headers { key: "X-Request-Id" value: "abc" }
                                          headers { key: "Content-Type" value: "text/html" } } })";
  ExpectCases({
      {R"(http_header { key: "X-Request-Id" value: "abc" })", flow, true},
      {R"(http_header { key: "X-Request-Id" value: "abd" })", flow, false},
      {R"(http_header { key: "x-request-id" value: "abc" })", flow, false},        // exact, as Hubble
      {R"(http_header { key: "Content-Type" })", flow, true},                      // any value
      {R"(http_header { value: "text/html" })", flow, true},                       // any key
      {R"(http_header { key: "X-Request-Id" value: "text/html" })", flow, false},  // one header holds both
      {R"(http_header { key: "A" } http_header { key: "Content-Type" })", flow, true},
      {R"(http_header { key: "Content-Type" })", R"(l7 { http { } })", false},
  });
}

TEST(L7FilterTest, DnsQuery) {
  const std::string flow = R"(l7 { dns { query: "api.example.com." } })";
  ExpectCases({
      {R"(dns_query: "example\\.com")", flow, true},
      {R"(dns_query: "^api\\.")", flow, true},
      {R"(dns_query: "^example")", flow, false},
      {R"(dns_query: "\\.com\\.$")", flow, true},  // queries keep their trailing dot
      {R"(dns_query: "foo" dns_query: "api")", flow, true},
      {R"(dns_query: ".*")", R"(l7 { http { } })", false},
      {R"(dns_query: ".*")", "", false},
  });
}

}  // namespace
}  // namespace flows::api
