#include "flows/datapath/http_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flow_record.h"

namespace flows::datapath {
namespace {

Result<HttpMessage> Parse(std::string_view text) {
  return ParseHttp({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

std::string ErrorOf(const Result<HttpMessage>& r) {
  return r.ok() ? "<ok>" : r.error().message;
}

void ExpectRequest(const Result<HttpMessage>& r, const std::string& method, const std::string& url,
                   const std::string& host, const std::string& version) {
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->response);
  EXPECT_EQ(r->method, method);
  EXPECT_EQ(r->url, url);
  EXPECT_EQ(r->host, host);
  EXPECT_EQ(r->version, version);
  EXPECT_EQ(r->status, 0);
}

void ExpectResponse(const Result<HttpMessage>& r, std::uint16_t status, const std::string& version) {
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->response);
  EXPECT_EQ(r->status, status);
  EXPECT_EQ(r->version, version);
  EXPECT_EQ(r->method, "");
  EXPECT_EQ(r->url, "");
  EXPECT_EQ(r->host, "");
}

TEST(HttpParser, GetWithHost) {
  ExpectRequest(Parse("GET /api/products?id=OLJCESPC7Z HTTP/1.1\r\n"
                      "Host: productcatalog.demo-app.svc.cluster.local:3550\r\n"
                      "User-Agent: curl/8.5.0\r\n"
                      "Accept: */*\r\n"
                      "\r\n"),
                "GET", "/api/products?id=OLJCESPC7Z", "productcatalog.demo-app.svc.cluster.local:3550",
                "HTTP/1.1");
}

TEST(HttpParser, PostWithHostAfterOtherHeadersAndPaddedValue) {
  ExpectRequest(Parse("POST /cart/checkout HTTP/1.1\r\n"
                      "Content-Type: application/json\r\n"
                      "Host: \t checkout:5050 \t\r\n"
                      "Content-Length: 2\r\n"
                      "\r\n"
                      "{}"),
                "POST", "/cart/checkout", "checkout:5050", "HTTP/1.1");
}

TEST(HttpParser, Responses) {
  ExpectResponse(Parse("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"), 200, "HTTP/1.1");
  ExpectResponse(Parse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), 404, "HTTP/1.1");
  ExpectResponse(Parse("HTTP/1.0 500 Internal Server Error\r\n"), 500, "HTTP/1.0");
  ExpectResponse(Parse("HTTP/1.1 204 \r\n\r\n"), 204, "HTTP/1.1");            // empty reason
  ExpectResponse(Parse("HTTP/1.1 302\r\nLocation: /\r\n"), 302, "HTTP/1.1");  // no reason
}

TEST(HttpParser, ResponseHostHeaderIsNotReported) {
  ExpectResponse(Parse("HTTP/1.1 200 OK\r\nHost: example.com\r\n\r\n"), 200, "HTTP/1.1");
}

TEST(HttpParser, Http10WithoutHost) {
  ExpectRequest(Parse("GET /healthz HTTP/1.0\r\n\r\n"), "GET", "/healthz", "", "HTTP/1.0");
}

TEST(HttpParser, HostNameIsCaseInsensitive) {
  ExpectRequest(Parse("GET / HTTP/1.1\r\nHOST: a.example\r\n\r\n"), "GET", "/", "a.example", "HTTP/1.1");
  ExpectRequest(Parse("GET / HTTP/1.1\r\nhOsT:b.example\r\n\r\n"), "GET", "/", "b.example", "HTTP/1.1");
}

TEST(HttpParser, HostLookalikesAreNotHost) {
  ExpectRequest(Parse("GET / HTTP/1.1\r\nX-Forwarded-Host: evil\r\nHost : bad\r\n"
                      "Hostname: no\r\n\r\n"),
                "GET", "/", "", "HTTP/1.1");
}

TEST(HttpParser, FirstHostWins) {
  ExpectRequest(Parse("GET / HTTP/1.1\r\nHost: first\r\nHost: second\r\n\r\n"), "GET", "/", "first",
                "HTTP/1.1");
}

TEST(HttpParser, HostWithControlOrNonAsciiBytesIsDropped) {
  ExpectRequest(Parse("GET / HTTP/1.1\r\nHost: a\x01z\r\n\r\n"), "GET", "/", "", "HTTP/1.1");
  ExpectRequest(Parse("GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n"), "GET", "/", "", "HTTP/1.1");
}

TEST(HttpParser, HostInBodyIsIgnored) {
  ExpectRequest(Parse("PUT /x HTTP/1.1\r\n\r\nHost: body\r\n"), "PUT", "/x", "", "HTTP/1.1");
}

TEST(HttpParser, HeaderLinesMayEndInBareLf) {
  ExpectRequest(Parse("GET / HTTP/1.1\r\nAccept: */*\nHost: lf.example\n\n"), "GET", "/", "lf.example",
                "HTTP/1.1");
}

TEST(HttpParser, HeaderLineCutByWindowIsIgnored) {
  ExpectRequest(Parse("GET /index.html HTTP/1.1\r\nUser-Agent: kube-probe/1.29\r\nHost: fronte"), "GET",
                "/index.html", "", "HTTP/1.1");
  ExpectRequest(Parse("GET / HTTP/1.1\r\nHost: frontend\r"), "GET", "/", "", "HTTP/1.1");
  ExpectRequest(Parse("GET / HTTP/1.1\r\n"), "GET", "/", "", "HTTP/1.1");
}

TEST(HttpParser, FirstLineWithoutCrlf) {
  EXPECT_EQ(ErrorOf(Parse("GET /api/products HTTP/1.1")), "http: no CRLF in first line");
  EXPECT_EQ(ErrorOf(Parse("GET /api/products HTTP/1.1\r")), "http: no CRLF in first line");
  EXPECT_EQ(ErrorOf(Parse("")), "http: no CRLF in first line");
  EXPECT_EQ(ErrorOf(Parse("GET / HTTP/1.1\nHost: x\r\n")), "http: bare LF in first line");
  EXPECT_EQ(ErrorOf(Parse("\n")), "http: bare LF in first line");
}

TEST(HttpParser, Garbage) {
  // The start of a TLS ClientHello.
  EXPECT_EQ(ErrorOf(Parse(std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n", 13))),
            "http: no space in request line");
  EXPECT_EQ(ErrorOf(Parse("\r\n")), "http: no space in request line");
  EXPECT_EQ(ErrorOf(Parse(" / HTTP/1.1\r\n")), "http: bad method");
  EXPECT_EQ(ErrorOf(Parse("GET  / HTTP/1.1\r\n")), "http: bad request target");
  EXPECT_EQ(ErrorOf(Parse("GET /a\x7f HTTP/1.1\r\n")), "http: bad request target");
  EXPECT_EQ(ErrorOf(Parse("GET /\xc3\xa9 HTTP/1.1\r\n")), "http: bad request target");
  EXPECT_EQ(ErrorOf(Parse("GET /\r\n")), "http: no version in request line");
  EXPECT_EQ(ErrorOf(Parse("GET / HTTP/1.1 \r\n")), "http: bad version in request line");
  EXPECT_EQ(ErrorOf(Parse("GET / HTTP/2.0\r\n")), "http: bad version in request line");
  EXPECT_EQ(ErrorOf(Parse("GET / HTTP/1.2\r\n")), "http: bad version in request line");
  EXPECT_EQ(ErrorOf(Parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")), "http: bad version in request line");
}

TEST(HttpParser, BadStatusLines) {
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1 20 OK\r\n")), "http: bad status code");
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1 2x0 OK\r\n")), "http: bad status code");
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1 600 Nope\r\n")), "http: bad status code");
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1 2000 OK\r\n")), "http: bad status code");
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1 200 O\x01K\r\n")), "http: control character in reason phrase");
  EXPECT_EQ(ErrorOf(Parse("HTTP/2 200\r\n")), "http: status line too short");
  EXPECT_EQ(ErrorOf(Parse("HTTP/2.0 200 OK\r\n")), "http: bad version in status line");
  EXPECT_EQ(ErrorOf(Parse("HTTP/1.1  200 OK\r\n")), "http: bad status code");
}

TEST(HttpParser, ReasonPhraseMayCarryObsText) {
  ExpectResponse(Parse("HTTP/1.1 200 D\xe9j\xe0 vu\r\n"), 200, "HTTP/1.1");
}

TEST(HttpParser, MethodMustBeUppercaseLetters) {
  EXPECT_EQ(ErrorOf(Parse("get / HTTP/1.1\r\n")), "http: bad method");
  EXPECT_EQ(ErrorOf(Parse("Get / HTTP/1.1\r\n")), "http: bad method");
  EXPECT_EQ(ErrorOf(Parse("M-SEARCH * HTTP/1.1\r\n")), "http: bad method");
  EXPECT_EQ(ErrorOf(Parse("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n")), "http: bad method");  // 17
  ExpectRequest(Parse("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n"), "ABCDEFGHIJKLMNOP", "/", "", "HTTP/1.1");
  ExpectRequest(Parse("OPTIONS * HTTP/1.1\r\n"), "OPTIONS", "*", "", "HTTP/1.1");
}

TEST(HttpParser, UrlFillingTheWholeWindow) {
  const std::string head = "GET /";
  const std::string tail = " HTTP/1.1\r\n";
  const std::string path(FLOWS_L7_WINDOW - head.size() - tail.size(), 'a');
  const std::string request = head + path + tail;
  ASSERT_EQ(request.size(), std::size_t{FLOWS_L7_WINDOW});
  ExpectRequest(Parse(request), "GET", "/" + path, "", "HTTP/1.1");
  // One byte less and the line has no CRLF.
  EXPECT_EQ(ErrorOf(Parse(std::string_view(request).substr(0, FLOWS_L7_WINDOW - 1))),
            "http: no CRLF in first line");
}

TEST(HttpParser, NeverReadsPastTheSpan) {
  // Each prefix gets its own exactly-sized heap copy, so under ASan a read
  // beyond the span is a heap-buffer-overflow, not a read of later bytes.
  const std::string_view text = "GET / HTTP/1.1\r\n";
  for (std::size_t n = 0; n < text.size(); ++n) {
    const std::vector<std::uint8_t> copy(text.begin(), text.begin() + static_cast<long>(n));
    EXPECT_FALSE(ParseHttp(copy).ok()) << n;
  }
}

}  // namespace
}  // namespace flows::datapath
