// nzeza_sim_kraken_server: the Kraken simulator as a process, for the `nzeza order` CLI tests.
//
//   nzeza_sim_kraken_server [--tls] [--api-key K] [--api-secret BASE64]
//                           [--balance ASSET=AMOUNT ...]
// Credentials default to $NZEZA_KRAKEN_API_KEY / $NZEZA_KRAKEN_API_SECRET. Serves one pair,
// XXBTZUSD (altname XBTUSD, v2 BTC/USD, tick 0.1, lot 8 decimals, ordermin 0.0001, costmin 0.5,
// market price 50000), and by default 10000 ZUSD and 1 XXBT. Prints
//   listening <rest base url>
//   ws <private ws url>
// on stdout, then serves until stdin closes or SIGTERM/SIGINT arrives.

#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sim/kraken/kraken_sim.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace nzeza;
  using namespace nzeza::testsupport::kraken;
  KrakenSimOptions options;
  if (const char* k = std::getenv("NZEZA_KRAKEN_API_KEY")) options.api_key = k;
  if (const char* s = std::getenv("NZEZA_KRAKEN_API_SECRET")) options.api_secret_b64 = s;
  std::vector<std::pair<std::string, std::string>> balances;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tls") {
      options.tls = true;
    } else if (a == "--api-key" && i + 1 < argc) {
      options.api_key = argv[++i];
    } else if (a == "--api-secret" && i + 1 < argc) {
      options.api_secret_b64 = argv[++i];
    } else if (a == "--balance" && i + 1 < argc) {
      const std::string b = argv[++i];
      const auto eq = b.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--balance wants ASSET=AMOUNT\n";
        return 2;
      }
      balances.emplace_back(b.substr(0, eq), b.substr(eq + 1));
    } else {
      std::cerr << "usage: nzeza_sim_kraken_server [--tls] [--api-key K] [--api-secret B64] "
                   "[--balance ASSET=AMOUNT]...\n";
      return 2;
    }
  }
  if (options.api_secret_b64.empty()) {
    std::cerr << "nzeza_sim_kraken_server: no API secret (--api-secret or "
                 "NZEZA_KRAKEN_API_SECRET)\n";
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  KrakenSim sim(options);
  sim.add_pair(SimPair{});
  if (balances.empty()) {
    sim.set_balance("ZUSD", Decimal::parse("10000").value());
    sim.set_balance("XXBT", Decimal::parse("1").value());
  }
  for (const auto& [asset, amount] : balances) {
    auto d = Decimal::parse(amount);
    if (!d) {
      std::cerr << "bad amount " << amount << "\n";
      return 2;
    }
    sim.set_balance(asset, *d);
  }
  std::cout << "listening " << sim.base_url() << "\n"
            << "ws " << sim.ws_url() << std::endl;
  char buf[256];
  while (g_stop == 0) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int r = ::poll(&p, 1, 200);
    if (r > 0) {
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) break;  // stdin closed
    }
  }
  return 0;
}
