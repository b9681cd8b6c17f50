#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/namespace_registry.h"
#include "flows/flowd/endpoints/service_registry.h"
#include "temp_dir.h"

namespace flows::flowd {
namespace {

using testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Two endpoints, one merged from two sources, one with a label that is not UTF-8.
void Populate(EndpointRegistry& reg) {
  Endpoint a;
  a.namespace_ = "shop";
  a.pod_name = "web-1";
  a.pod_uid = "uid-1";
  a.container_id = "cid1";
  a.labels = {{"app", "web"}};
  a.workloads = {{"web", "Deployment"}};
  a.node_name = "node-1";
  a.ips = {"10.0.0.5", "fd00::5"};
  a.host_ifname = "veth1";
  a.host_ifindex = 9;
  a.sources = 3;
  EXPECT_TRUE(reg.Upsert(a).ok());
  Endpoint b;
  b.container_id = "cid2";
  b.ips = {"10.0.0.6"};
  b.labels = {{"weird", std::string("\xff\xfe", 2)}};  // not UTF-8: must not make the file unwritable
  b.AddSource(EndpointSource::kCni);
  EXPECT_TRUE(reg.Upsert(b).ok());
}

TEST(EndpointPersistence, RoundTrip) {
  TempDir dir;
  EndpointRegistry reg;
  Populate(reg);
  ASSERT_TRUE(reg.SaveTo(dir.File("endpoints.json")).ok());
  EndpointRegistry loaded;
  auto s = loaded.LoadFrom(dir.File("endpoints.json"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded.List()[1], reg.List()[1]);
  EXPECT_EQ(loaded.LookupByIp("fd00::5")->pod_name, "web-1");
  EXPECT_EQ(loaded.LookupByContainerId("cid2")->labels.at("weird"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD
}

TEST(EndpointPersistence, SaveReplacesAtomicallyAndLeavesNoTemporaries) {
  TempDir dir;
  const std::string path = dir.File("endpoints.json");
  WriteFile(path, "old contents");
  EndpointRegistry reg;
  Populate(reg);
  ASSERT_TRUE(reg.SaveTo(path).ok());
  EXPECT_NE(ReadFile(path).find("\"version\": 1"), std::string::npos);
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "endpoints.json");
  }
  EXPECT_EQ(entries, 1);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(EndpointPersistence, SaveIntoMissingDirectoryFailsClearly) {
  TempDir dir;
  EndpointRegistry reg;
  Populate(reg);
  auto s = reg.SaveTo(dir.File("no/such/dir/endpoints.json"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ENOENT);
}

TEST(EndpointPersistence, MissingFileIsEnoent) {
  TempDir dir;
  EndpointRegistry reg;
  auto s = reg.LoadFrom(dir.File("absent.json"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ENOENT);
  EXPECT_NE(s.error().message.find("absent.json"), std::string::npos);
}

TEST(EndpointPersistence, CorruptFilesGiveErrorsAndKeepContents) {
  TempDir dir;
  const std::string path = dir.File("endpoints.json");
  EndpointRegistry original;
  Populate(original);
  ASSERT_TRUE(original.SaveTo(path).ok());
  const std::string good = ReadFile(path);
  struct Case {
    std::string text;
    const char* want;
  };
  const std::vector<Case> cases = {
      {good.substr(0, good.size() / 2), "not valid JSON"},  // torn write of some other tool
      {"", "not valid JSON"},
      {std::string("\0\0\0\0", 4), "not valid JSON"},
      {"[]", "not a JSON object"},
      {R"({"endpoints": []})", "version"},
      {R"({"version": 2, "endpoints": []})", "version"},
      {R"({"version": 1})", "\"endpoints\" is not a list"},
      {R"({"version": 1, "endpoints": [{"ips": ["x"]}]})", "endpoints[0].ips[0]"},
      {R"({"version": 1, "endpoints": [{"ips": ["10.0.0.1"]}]})", "without identity"},
      {R"({"version": 1, "endpoints": [7]})", "endpoints[0]: not a JSON object"},
  };
  for (const Case& c : cases) {
    EndpointRegistry reg;
    Populate(reg);
    WriteFile(path, c.text);
    auto s = reg.LoadFrom(path);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_NE(s.error().message.find(c.want), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
    EXPECT_EQ(reg.size(), 2u);  // unchanged
  }
}

TEST(EndpointPersistence, DirectoryIsNotAFile) {
  TempDir dir;
  EndpointRegistry reg;
  auto s = reg.LoadFrom(dir.path());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a regular file"), std::string::npos);
}

// The API's Services and their backends survive a restart, so the first
// flows after it are named before the API answers. Static ones are not kept:
// the static file is read again, and what it dropped must not come back.
TEST(ServicePersistence, RoundTrip) {
  TempDir dir;
  const std::string path = dir.path() + "/services.json";
  ServiceRegistry a;
  ASSERT_TRUE(a.Upsert(Service{"shop", "web", {"10.96.0.20", "fd00:96::20"}}));
  ASSERT_TRUE(a.Upsert(Service{"lab", "pinned", {"10.96.0.30"}, EndpointSource::kStatic}));
  ASSERT_TRUE(a.UpsertSlice("shop", "web-abc", "web", {"10.0.0.5", "10.0.0.6"}));
  ASSERT_TRUE(a.UpsertSlice("lab", "static:pinned", "pinned", {"10.0.0.9"}, EndpointSource::kStatic));
  ASSERT_TRUE(a.SaveTo(path));

  ServiceRegistry b;
  ASSERT_TRUE(b.LoadFrom(path));
  EXPECT_EQ(b.LookupClusterIp("fd00:96::20")->name, "web");
  EXPECT_EQ(b.LookupBackend("10.0.0.6").at(0).name, "web");
  ASSERT_EQ(b.List().size(), 1u);
  EXPECT_EQ(b.List()[0].source, EndpointSource::kKubernetes);
  EXPECT_EQ(b.slice_count(), 1u);
  EXPECT_FALSE(b.LookupByIp("10.96.0.30"));
  EXPECT_TRUE(b.LookupBackend("10.0.0.9").empty());
}

TEST(ServicePersistence, BadFilesAreErrorsAndChangeNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/services.json";
  ServiceRegistry reg;
  ASSERT_TRUE(reg.Upsert(Service{"shop", "web", {"10.96.0.20"}}));
  EXPECT_EQ(reg.LoadFrom(dir.path() + "/missing.json").error().err, ENOENT);
  for (
      const char* text :
      {"{", R"({"version": 2})", R"({"version": 1, "services": {}})",
       R"({"version": 1, "services": [{"namespace": "a", "name": "b", "cluster_ips": ["x"]}]})",
       R"({"version": 1, "slices": [{"namespace": "a", "name": "s", "service": "b", "source": "bogus"}]})"}) {
    WriteFile(path, text);
    EXPECT_FALSE(reg.LoadFrom(path).ok()) << text;
    EXPECT_EQ(reg.LookupClusterIp("10.96.0.20")->name, "web") << text;
  }
}

TEST(NamespacePersistence, RoundTripAndBadFiles) {
  TempDir dir;
  const std::string path = dir.path() + "/namespaces.json";
  NamespaceRegistry a;
  ASSERT_TRUE(a.Upsert("shop", {{"kubernetes.io/metadata.name", "shop"}, {"team", "payments"}}));
  ASSERT_TRUE(a.Upsert("empty", {}));
  ASSERT_TRUE(a.SaveTo(path));
  NamespaceRegistry b;
  ASSERT_TRUE(b.LoadFrom(path));
  EXPECT_EQ(b.List(), a.List());

  for (const char* text : {R"({"version": 1, "namespaces": [{"labels": {}}]})",
                           R"({"version": 1, "namespaces": [{"name": "x", "labels": {"a": 1}}]})"}) {
    WriteFile(path, text);
    EXPECT_FALSE(b.LoadFrom(path).ok()) << text;
    EXPECT_EQ(b.size(), 2u);
  }
}

}  // namespace
}  // namespace flows::flowd
