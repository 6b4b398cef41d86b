#ifndef HUBWIRE_TEST_PKI_HPP
#define HUBWIRE_TEST_PKI_HPP
// Certificates made by the openssl command for TLS tests and benchmarks: a test CA, a
// server certificate it signs for "localhost" and 127.0.0.1, an unrelated CA (for the
// "untrusted" case), and client certificates on request (X.509 device authentication).
// Made in a fresh folder under the build tree, readable by a broker that dropped root
// (mosquitto does), removed afterwards. Failures throw, so tests and benchmarks alike
// can use it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace hubwire_test {

inline void run_quietly(const std::string& cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
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
    std::ofstream(dir / "san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    sign("server", "localhost", "-extfile " + d + "/san.ext");
    readable();
  }
  ~pki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  pki(const pki&) = delete;
  pki& operator=(const pki&) = delete;

  // <name>.pem and <name>.key: a client certificate with CN=common_name from the test CA.
  void client(const std::string& name, const std::string& common_name) {
    sign(name, common_name, "");
    readable();
  }

  std::string operator/(const std::string& f) const { return (dir / f).string(); }

private:
  void sign(const std::string& name, const std::string& cn, const std::string& extra) {
    const std::string d = dir.string();
    run_quietly("openssl req -newkey rsa:2048 -nodes -subj /CN=" + cn + " -keyout " + d + "/" + name + ".key -out " + d +
                "/" + name + ".csr");
    run_quietly("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/test-ca.pem -CAkey " + d +
                "/test-ca.key -CAcreateserial -days 2 " + extra + " -out " + d + "/" + name + ".pem");
  }
  void readable() { run_quietly("chmod 755 " + dir.string() + " && chmod 644 " + dir.string() + "/*"); }
};

} // namespace hubwire_test

#endif
