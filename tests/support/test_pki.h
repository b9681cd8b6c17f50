// Certificates for TLS tests, made by the openssl CLI in a scratch
// directory: a CA ("ca"), a second CA nobody trusts ("rogue-ca"), and
// certificates issued by either (Issue). EC P-256, valid for a day.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "temp_dir.h"

namespace flows::flowd::testing {

class TestPki {
 public:
  TestPki() {
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
        "/CN=flows-test-ca"
        " -keyout ca.key -out ca.crt");
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=rogue-ca"
        " -keyout rogue-ca.key -out rogue-ca.crt");
  }
  // <name>.crt and <name>.key signed by <ca>, with the extensions in `ext`
  // (e.g. "subjectAltName=IP:127.0.0.1" or "extendedKeyUsage=clientAuth").
  void Issue(const std::string& name, const std::string& ca, const std::string& ext) {
    std::ofstream(File(name + ".ext")) << ext << "\n";
    Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + name +
        " -keyout " + name + ".key -out " + name + ".csr");
    Run("openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
        ".key -CAcreateserial -days 1" + " -extfile " + name + ".ext -out " + name + ".crt");
  }
  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string Read(const std::string& name) const {
    std::ifstream in(File(name));
    return {std::istreambuf_iterator<char>(in), {}};
  }
  bool ok() const { return ok_; }

 private:
  void Run(const std::string& cmd) {
    const std::string full = "cd " + dir_.path() + " && " + cmd + " >/dev/null 2>&1";
    if (std::system(full.c_str()) != 0) {
      ok_ = false;
      ADD_FAILURE() << "failed: " << cmd;
    }
  }

  TempDir dir_;
  bool ok_ = true;
};

}  // namespace flows::flowd::testing
