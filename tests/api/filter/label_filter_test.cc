// source_label, destination_label: Kubernetes label selectors over
// "source:key=value" labels.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

const std::string kFrontend = R"(source { labels: "k8s:app=frontend"
                                          labels: "k8s:env=prod"
                                          labels: "k8s:io.kubernetes.pod.namespace=shop"
                                          labels: "k8s:app.kubernetes.io/part-of=shop"
                                          labels: "container:tier=web" }
                                 destination { labels: "reserved:world" })";

std::vector<testing::MatchCase> Rows(std::vector<std::pair<std::string, bool>> selectors) {
  std::vector<testing::MatchCase> rows;
  for (auto& [selector, match] : selectors)
    rows.push_back({"source_label: \"" + selector + "\"", kFrontend, match});
  return rows;
}

TEST(LabelFilterTest, Equality) {
  ExpectCases(Rows({
      {"app=frontend", true},
      {"app==frontend", true},
      {"app = frontend", true},
      {"app=backend", false},
      {"k8s:app=frontend", true},  // with the source
      {"any:app=frontend", true},
      {"container:app=frontend", false},  // other source
      {"tier=web", true},                 // no source given: any source
      {"k8s:tier=web", false},
      {"app.kubernetes.io/part-of=shop", true},  // prefixed key
      {"io.kubernetes.pod.namespace=shop", true},
      {"missing=x", false},
      {"app=", false},  // present, but with a value
  }));
}

TEST(LabelFilterTest, Inequality) {
  ExpectCases(Rows({
      {"app!=backend", true},
      {"app!=frontend", false},
      {"missing!=x", true},  // absent counts as different, as in Kubernetes
      {"k8s:app!=frontend", false},
  }));
}

TEST(LabelFilterTest, SetOperators) {
  ExpectCases(Rows({
      {"env in (prod)", true},
      {"env in (dev,prod)", true},
      {"env in ( dev , prod )", true},
      {"env in (dev,staging)", false},
      {"env notin (dev,staging)", true},
      {"env notin (prod)", false},
      {"missing notin (x)", true},
      {"missing in (x)", false},
      {"k8s:env in (prod)", true},
  }));
}

TEST(LabelFilterTest, Existence) {
  ExpectCases(Rows({
      {"app", true},
      {"k8s:app", true},
      {"missing", false},
      {"!missing", true},
      {"!app", false},
      {"! app", false},
      {"!container:app", true},  // app exists, but not from that source
  }));
  ExpectCases({
      {R"(destination_label: "reserved:world")", kFrontend, true},  // label without value
      {R"(destination_label: "world")", kFrontend, true},
      {R"(destination_label: "reserved:host")", kFrontend, false},
  });
}

TEST(LabelFilterTest, CommaMeansAnd) {
  ExpectCases(Rows({
      {"app=frontend,env=prod", true},
      {"app=frontend, env=prod", true},
      {"app=frontend,env=dev", false},
      {"app=frontend,env in (dev,prod),!missing", true},
      {"env in (dev,prod),app=backend", false},
  }));
}

TEST(LabelFilterTest, SeveralSelectorsOr) {
  ExpectCases({
      {R"(source_label: "app=backend" source_label: "env=prod")", kFrontend, true},
      {R"(source_label: "app=backend" source_label: "env=dev")", kFrontend, false},
      {R"(source_label: "app")", "", false},  // no labels at all
      {R"(source_label: "!app")", "", true},
  });
}

}  // namespace
}  // namespace flows::api
