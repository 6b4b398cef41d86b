#ifndef HUBWIRE_TEST_PKI_HPP
#define HUBWIRE_TEST_PKI_HPP
// Certificates made by the openssl command for TLS tests: a test CA, a server
// certificate it signs for "localhost" and 127.0.0.1, and an unrelated CA (for the
// "untrusted" case). Made in a fresh folder under the build tree, removed afterwards.
#include <hubwire_test/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace hubwire_test {

inline void run_quietly(const std::string& cmd) {
  INFO(cmd);
  REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
}

struct pki {
  std::filesystem::path dir;

  explicit pki(const std::string& name = "pki")
      : dir(std::filesystem::path(HUBWIRE_BINARY_DIR) / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string d = dir.string();
    auto ca = [&](const std::string& n) {
      run_quietly("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + n + " -keyout " + d + "/" + n +
                  ".key -out " + d + "/" + n + ".pem");
    };
    ca("test-ca");
    ca("other-ca");
    run_quietly("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + d + "/server.key -out " + d +
                "/server.csr");
    std::FILE* ext = std::fopen((d + "/san.ext").c_str(), "w");
    std::fputs("subjectAltName=DNS:localhost,IP:127.0.0.1\n", ext);
    std::fclose(ext);
    run_quietly("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/test-ca.pem -CAkey " + d +
                "/test-ca.key -CAcreateserial -days 2 -extfile " + d + "/san.ext -out " + d + "/server.pem");
  }
  ~pki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  pki(const pki&) = delete;
  pki& operator=(const pki&) = delete;

  std::string operator/(const std::string& f) const { return (dir / f).string(); }
};

} // namespace hubwire_test

#endif
