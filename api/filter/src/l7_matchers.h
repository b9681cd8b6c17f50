// Fields on the L7 record: http_status_code, http_method, http_path,
// http_url, http_header, dns_query. Regular expressions (RE2 syntax) are
// compiled here, once, and match anywhere in the text unless anchored, like
// Go's regexp.MatchString that Hubble uses.
#pragma once

#include <string>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

// "404" (exactly), "5+" (500-599), "40+" (400-409): a first digit 1-5.
// Only responses match: a request's code is 0.
Result<FieldMatcherPtr> MakeHttpStatusMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

// Case-insensitive method names.
Result<FieldMatcherPtr> MakeHttpMethodMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

// Against the path of l7.http.url ("http://host/a/b?x=1" -> "/a/b"); the
// path is matched as sent, without percent-decoding.
Result<FieldMatcherPtr> MakeHttpPathMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

// Against the whole of l7.http.url.
Result<FieldMatcherPtr> MakeHttpUrlMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

// Key and value compared exactly; an empty one matches any.
FieldMatcherPtr MakeHttpHeaderMatcher(const google::protobuf::RepeatedPtrField<flow::HTTPHeader>& values);

// Against l7.dns.query (which keeps its trailing dot: "example.com.").
Result<FieldMatcherPtr> MakeDnsQueryMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace flows::api::filter
