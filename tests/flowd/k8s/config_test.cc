// Finding the API server: server URLs, kubeconfig files, the in-cluster
// service account, and token rotation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "flows/flowd/k8s/in_cluster.h"
#include "flows/flowd/k8s/kubeconfig.h"

namespace flows::flowd::k8s {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/flows-k8s-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ParseServerUrl, Forms) {
  Result<ServerAddress> a = ParseServerUrl("https://10.0.0.1:6443");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "10.0.0.1");
  EXPECT_EQ(a->port, "6443");
  EXPECT_EQ(a->base_path, "");

  Result<ServerAddress> b = ParseServerUrl("https://[fd00::1]/k8s/clusters/c-1/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "fd00::1");
  EXPECT_EQ(b->port, "443");
  EXPECT_EQ(b->base_path, "/k8s/clusters/c-1");
  EXPECT_EQ(b->Authority(), "[fd00::1]:443");

  Result<ServerAddress> c = ParseServerUrl("http://api.example.com");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->tls);
  EXPECT_EQ(c->port, "80");

  for (const char* bad : {"ftp://x", "10.0.0.1:6443", "https://", "https://h:0", "https://h:99999",
                          "https://h:x", "https://[::1", "https://u@h", "https://h/p?q=1"}) {
    EXPECT_FALSE(ParseServerUrl(bad).ok()) << bad;
  }
}

constexpr const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0EgUEVN
- name: file-cluster
  cluster:
    server: https://k8s.example.com
    certificate-authority: ca.crt
    tls-server-name: kubernetes
- name: lab
  cluster:
    server: https://10.1.1.1:6443
    insecure-skip-tls-verify: true
contexts:
- name: dev
  context: {cluster: dev-cluster, user: token-user, namespace: shop}
- name: files
  context: {cluster: file-cluster, user: cert-files}
- name: lab
  context: {cluster: lab, user: cert-data}
- name: tokenfile
  context: {cluster: lab, user: token-file}
- name: anonymous
  context: {cluster: lab}
users:
- name: token-user
  user: {token: s3cret}
- name: cert-files
  user: {client-certificate: certs/client.crt, client-key: /abs/client.key}
- name: cert-data
  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
- name: token-file
  user: {tokenFile: token}
)";

TEST(Kubeconfig, CurrentContextWithTokenAndInlineCa) {
  Result<ClusterConfig> c = ParseKubeconfig(kKubeconfig, "/nonexistent");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->server.port, "6443");
  EXPECT_EQ(c->ca_pem, "CA PEM");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
  ASSERT_TRUE(c->token);
  EXPECT_EQ(*c->token->Token(), "s3cret");
  EXPECT_TRUE(c->client_cert_pem.empty());
}

TEST(Kubeconfig, FilesResolveAgainstTheKubeconfigsDirectory) {
  TempDir dir;
  dir.Write("ca.crt", "CA FROM FILE");
  fs::create_directory(dir.path() + "/certs");
  dir.Write("certs/client.crt", "CERT FROM FILE");
  const std::string yaml = std::string(kKubeconfig);
  Result<ClusterConfig> c = ParseKubeconfig(yaml, dir.path(), "files");
  ASSERT_FALSE(c.ok()) << "the key is an absolute path that does not exist";
  EXPECT_THAT(c.error().message, HasSubstr("user \"cert-files\".client-key: open /abs/client.key"));

  std::string fixed = yaml;
  fixed.replace(fixed.find("/abs/client.key"), 15, "certs/client.key");
  dir.Write("certs/client.key", "KEY FROM FILE");
  const std::string path = dir.Write("config", fixed);
  c = LoadKubeconfig(path, "files");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->ca_pem, "CA FROM FILE");
  EXPECT_EQ(c->client_cert_pem, "CERT FROM FILE");
  EXPECT_EQ(c->client_key_pem, "KEY FROM FILE");
  EXPECT_EQ(c->tls_server_name, "kubernetes");
  EXPECT_EQ(c->server.port, "443");
  EXPECT_FALSE(c->token);
}

TEST(Kubeconfig, InsecureInlineCertsTokenFileAndAnonymous) {
  TempDir dir;
  Result<ClusterConfig> lab = ParseKubeconfig(kKubeconfig, dir.path(), "lab");
  ASSERT_TRUE(lab.ok()) << lab.error().message;
  EXPECT_TRUE(lab->insecure_skip_tls_verify);
  EXPECT_EQ(lab->client_cert_pem, "CERT");
  EXPECT_EQ(lab->client_key_pem, "KEY");

  Result<ClusterConfig> missing = ParseKubeconfig(kKubeconfig, dir.path(), "tokenfile");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("tokenFile"));
  dir.Write("token", "from-file\n");
  Result<ClusterConfig> tf = ParseKubeconfig(kKubeconfig, dir.path(), "tokenfile");
  ASSERT_TRUE(tf.ok()) << tf.error().message;
  EXPECT_EQ(*tf->token->Token(), "from-file");

  Result<ClusterConfig> anon = ParseKubeconfig(kKubeconfig, dir.path(), "anonymous");
  ASSERT_TRUE(anon.ok());
  EXPECT_FALSE(anon->token);
}

TEST(Kubeconfig, ClearErrors) {
  struct Case {
    std::string yaml;
    std::string context;
    const char* error;
  } cases[] = {
      {"{", "", "invalid YAML"},
      {"- a\n- b\n", "", "not a kubeconfig"},
      {"clusters: []\n", "", "no current-context"},
      {kKubeconfig, "nope", "no context named \"nope\" in contexts"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n", "", "no cluster named \"c\""},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: "
       "{}}]\n",
       "", "cluster \"c\" has no server"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: 'tcp://h'}}]\n",
       "", "must start with https://"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority-data: '!!notbase64'}}]\n",
       "", "certificate-authority-data: invalid base64"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://h'}}]\nusers: [{name: u, user: {exec: {command: "
       "aws}}}]\n",
       "", "exec is not supported"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://h'}}]\nusers: [{name: u, user: "
       "{client-certificate-data: Q0VSVA==}}]\n",
       "", "needs both client-certificate and client-key"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: maybe}}]\n",
       "", "insecure-skip-tls-verify is not a boolean"},
      {"current-context: [a]\n", "", "current-context is not a string"},
  };
  for (const Case& c : cases) {
    Result<ClusterConfig> r = ParseKubeconfig(c.yaml, "/tmp", c.context);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_THAT(r.error().message, HasSubstr(c.error)) << c.yaml;
    EXPECT_THAT(r.error().message, HasSubstr("kubeconfig: "));
  }
  Result<ClusterConfig> nofile = LoadKubeconfig("/nonexistent/kubeconfig");
  ASSERT_FALSE(nofile.ok());
  EXPECT_EQ(nofile.error().err, ENOENT);
}

TEST(InCluster, NeedsTheEnvironment) {
  InClusterSource src;
  src.getenv = [](const char*) { return std::nullopt; };
  Result<ClusterConfig> c = InClusterConfig(src);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("KUBERNETES_SERVICE_HOST"));
}

TEST(InCluster, ReadsServiceAccountFiles) {
  TempDir dir;
  InClusterSource src;
  src.token_file = dir.path() + "/token";
  src.ca_file = dir.path() + "/ca.crt";
  src.getenv = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "KUBERNETES_SERVICE_HOST") return "fd00:96::1";
    if (std::string(name) == "KUBERNETES_SERVICE_PORT") return "443";
    return std::nullopt;
  };
  Result<ClusterConfig> no_ca = InClusterConfig(src);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_THAT(no_ca.error().message, HasSubstr("service account CA"));
  dir.Write("ca.crt", "THE CA");
  Result<ClusterConfig> no_token = InClusterConfig(src);
  ASSERT_FALSE(no_token.ok());
  EXPECT_THAT(no_token.error().message, HasSubstr("service account token"));
  dir.Write("token", "tok-1\n");
  Result<ClusterConfig> c = InClusterConfig(src);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.host, "fd00:96::1");
  EXPECT_EQ(c->server.Authority(), "[fd00:96::1]:443");
  EXPECT_TRUE(c->server.tls);
  EXPECT_EQ(c->ca_pem, "THE CA");
  EXPECT_EQ(*c->token->Token(), "tok-1");
}

TEST(FileTokenSource, ReReadsAfterTheRefreshIntervalAndKeepsTheLastGoodToken) {
  TempDir dir;
  const std::string path = dir.Write("token", "one");
  std::chrono::steady_clock::time_point now{};
  FileTokenSource src(path, std::chrono::seconds(60), [&] { return now; });
  EXPECT_EQ(*src.Token(), "one");
  dir.Write("token", "two");
  now += std::chrono::seconds(59);
  EXPECT_EQ(*src.Token(), "one") << "cached within the interval";
  now += std::chrono::seconds(1);
  EXPECT_EQ(*src.Token(), "two") << "rotated token picked up";
  fs::remove(path);
  now += std::chrono::seconds(60);
  EXPECT_EQ(*src.Token(), "two") << "a failed re-read keeps the last good token";
  dir.Write("token", "three");
  EXPECT_EQ(*src.Token(), "three") << "and retries on the next call";

  FileTokenSource empty(dir.Write("empty", " \n"));
  Result<std::string> e = empty.Token();
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.error().message, HasSubstr("is empty"));
}

}  // namespace
}  // namespace flows::flowd::k8s
