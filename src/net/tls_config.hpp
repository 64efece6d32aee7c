#pragma once
// TlsConfig: how a client verifies the servers it talks to. Verification is on by default and
// uses the system's CA store; tests (and private venues) add their own CA.

#include <string>

namespace nzeza::net {

struct TlsConfig {
  // Check the certificate chain and that the certificate names the host (SNI is always sent).
  bool verify_peer = true;
  // Trust the operating system's CA store.
  bool use_system_cas = true;
  // Extra CA certificates to trust, as a PEM file path and/or PEM text (either may be empty).
  std::string extra_ca_file;
  std::string extra_ca_pem;
};

}  // namespace nzeza::net
