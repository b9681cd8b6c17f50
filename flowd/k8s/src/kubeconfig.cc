#include "flows/flowd/k8s/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <memory>

#include "base64.h"
#include "flows/flowd/k8s/in_cluster.h"

namespace flows::flowd::k8s {

namespace {

// yaml-cpp reports problems by throwing; inside this file they become an
// Error carrying the kubeconfig's own vocabulary.
struct ConfigError {
  std::string message;
};

std::string Str(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) return "";
  if (!v.IsScalar()) throw ConfigError{where + "." + key + " is not a string"};
  return v.as<std::string>();
}

bool Bool(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) return false;
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out))
    throw ConfigError{where + "." + key + " is not a boolean"};
  return out;
}

// The entry named `name` of a list like clusters: [{name: x, cluster: {...}}].
YAML::Node Named(const YAML::Node& root, const char* list, const char* field, const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const YAML::Node& e : entries) {
      if (e.IsMap() && e["name"] && e["name"].IsScalar() && e["name"].as<std::string>() == name) {
        const YAML::Node body = e[field];
        if (!body || !body.IsMap())
          throw ConfigError{std::string(list) + " entry \"" + name + "\" has no " + field};
        return body;
      }
    }
  }
  throw ConfigError{std::string("no ") + field + " named \"" + name + "\" in " + list};
}

std::string Resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty() || file[0] == '/' || base_dir.empty()) return file;
  return base_dir + "/" + file;
}

// "<key>-data" (base64) or "<key>" (a file); the inline form wins, as in
// client-go.
std::string Material(const YAML::Node& map, const std::string& key, const std::string& where,
                     const std::string& base_dir) {
  if (std::string data = Str(map, (key + "-data").c_str(), where); !data.empty()) {
    Result<std::string> decoded = detail::Base64Decode(data);
    if (!decoded) throw ConfigError{where + "." + key + "-data: " + decoded.error().message};
    return std::move(*decoded);
  }
  if (std::string file = Str(map, key.c_str(), where); !file.empty()) {
    Result<std::string> text = ReadSmallFile(Resolve(base_dir, file));
    if (!text) throw ConfigError{where + "." + key + ": " + text.error().message};
    return std::move(*text);
  }
  return "";
}

ClusterConfig Build(const YAML::Node& root, const std::string& base_dir, const std::string& wanted) {
  if (!root.IsMap()) throw ConfigError{"not a kubeconfig (the document is not a mapping)"};
  const std::string context_name = wanted.empty() ? Str(root, "current-context", "kubeconfig") : wanted;
  if (context_name.empty()) throw ConfigError{"no current-context set and no context given"};
  const YAML::Node context = Named(root, "contexts", "context", context_name);
  const std::string where_ctx = "context \"" + context_name + "\"";
  const std::string cluster_name = Str(context, "cluster", where_ctx);
  if (cluster_name.empty()) throw ConfigError{where_ctx + " names no cluster"};
  const YAML::Node cluster = Named(root, "clusters", "cluster", cluster_name);
  const std::string where_cluster = "cluster \"" + cluster_name + "\"";

  ClusterConfig config;
  const std::string server = Str(cluster, "server", where_cluster);
  if (server.empty()) throw ConfigError{where_cluster + " has no server"};
  Result<ServerAddress> address = ParseServerUrl(server);
  if (!address) throw ConfigError{where_cluster + ": " + address.error().message};
  config.server = std::move(*address);
  config.insecure_skip_tls_verify = Bool(cluster, "insecure-skip-tls-verify", where_cluster);
  config.tls_server_name = Str(cluster, "tls-server-name", where_cluster);
  config.ca_pem = Material(cluster, "certificate-authority", where_cluster, base_dir);
  if (Str(cluster, "proxy-url", where_cluster) != "")
    throw ConfigError{where_cluster + ": proxy-url is not supported"};

  // A context without a user is anonymous access.
  const std::string user_name = Str(context, "user", where_ctx);
  if (user_name.empty()) return config;
  const YAML::Node user = Named(root, "users", "user", user_name);
  const std::string where_user = "user \"" + user_name + "\"";
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (user[unsupported])
      throw ConfigError{where_user + ": " + unsupported +
                        " is not supported (use a token or a client certificate)"};
  }
  if (std::string token = Str(user, "token", where_user); !token.empty()) {
    config.token = std::make_shared<StaticToken>(std::move(token));
  } else if (std::string file = Str(user, "tokenFile", where_user); !file.empty()) {
    auto source = std::make_shared<FileTokenSource>(Resolve(base_dir, file));
    if (Result<std::string> t = source->Token(); !t)
      throw ConfigError{where_user + ".tokenFile: " + t.error().message};
    config.token = std::move(source);
  }
  config.client_cert_pem = Material(user, "client-certificate", where_user, base_dir);
  config.client_key_pem = Material(user, "client-key", where_user, base_dir);
  if (config.client_cert_pem.empty() != config.client_key_pem.empty()) {
    throw ConfigError{where_user + ": a client certificate needs both client-certificate and client-key"};
  }
  return config;
}

}  // namespace

Result<ClusterConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir,
                                      const std::string& context) {
  try {
    return Build(YAML::Load(std::string(yaml)), base_dir, context);
  } catch (const ConfigError& e) {
    return Error::Invalid("kubeconfig: " + e.message);
  } catch (const YAML::Exception& e) {
    return Error::Invalid(std::string("kubeconfig: invalid YAML: ") + e.what());
  }
}

Result<ClusterConfig> LoadKubeconfig(const std::string& path, const std::string& context) {
  Result<std::string> text = ReadSmallFile(path, 16u << 20);
  if (!text) return Error{"kubeconfig: " + text.error().message, text.error().err};
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  Result<ClusterConfig> config = ParseKubeconfig(*text, dir, context);
  if (!config) return Error{path + ": " + config.error().message, config.error().err};
  return config;
}

Result<ClusterConfig> DefaultClusterConfig() {
  if (const char* host = std::getenv("KUBERNETES_SERVICE_HOST"); host && *host) return InClusterConfig();
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string first(env);
    first = first.substr(0, first.find(':'));
    return LoadKubeconfig(first);
  }
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    return Error::Invalid("no Kubernetes configuration: not in a pod, no $KUBECONFIG and no $HOME");
  return LoadKubeconfig(std::string(home) + "/.kube/config");
}

}  // namespace flows::flowd::k8s
