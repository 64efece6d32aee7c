#pragma once
// TestPki: a throw-away certificate authority and a server certificate it signed, generated at
// test time with OpenSSL's APIs (no openssl CLI, no key material in the repository).
//
// The server certificate names DNS:localhost and IP:127.0.0.1, so clients can verify it against
// the loopback simulators with SNI and host-name checks on. Keys are ECDSA P-256 (fast to make).

#include <string>

namespace nzeza::testsupport {

class TestPki {
 public:
  // Generates a fresh CA ("<ca_name>") and a server certificate signed by it.
  explicit TestPki(const std::string& ca_name = "nzeza test CA");
  ~TestPki();  // removes ca_file()
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // One process-wide PKI for servers, and an unrelated CA for "wrong CA" tests.
  static const TestPki& shared();
  static const TestPki& other();

  [[nodiscard]] const std::string& ca_cert_pem() const noexcept { return ca_cert_pem_; }
  [[nodiscard]] const std::string& server_cert_pem() const noexcept { return server_cert_pem_; }
  [[nodiscard]] const std::string& server_key_pem() const noexcept { return server_key_pem_; }
  // The CA certificate written to a temporary PEM file (for clients configured with a CA file).
  [[nodiscard]] const std::string& ca_file() const noexcept { return ca_file_; }

 private:
  std::string ca_cert_pem_;
  std::string server_cert_pem_;
  std::string server_key_pem_;
  std::string ca_file_;
};

}  // namespace nzeza::testsupport
