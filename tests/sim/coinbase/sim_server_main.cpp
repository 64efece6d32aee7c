// nzeza_sim_coinbase_server: the Coinbase Advanced Trade simulator as a process, for tests that
// run the real `nzeza order` binary against it.
//
//   nzeza_sim_coinbase_server [--key-name NAME] (--public-key-file PEM | --credentials-out PATH)
//                             [--algorithm es256|ed25519] [--tls]
//                             [--balance CURRENCY=AMOUNT]... [--price PRODUCT=PRICE]...
//
// --credentials-out generates a fresh key pair (ES256 by default), keeps the public half and
// writes a credentials file (mode 0600) the client reads with --credentials-file /
// NZEZA_COINBASE_CREDENTIALS_FILE: `api_key_name = ...` and `api_private_key = ...` (a PEM with
// its newlines written as "\n", or a base64 Ed25519 seed).
// Products BTC-USD and BTC-USDC (tick 0.01, lot 0.00000001, min 0.00001) and ETH-USD (tick 0.01,
// lot 0.0001); balances USD 100000, USDC 50000, BTC 2, ETH 20; prices BTC 50000, ETH 3000.
// Prints "listening <rest url>" and "websocket <user channel url>" on stdout, then serves until
// stdin reaches EOF or SIGTERM/SIGINT arrives. JWT windows are checked on the system clock.
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "sim/coinbase/coinbase_sim.hpp"
#include "support/stop_signals.hpp"

using nzeza::Decimal;
using nzeza::sim::coinbase::CoinbaseSim;
using nzeza::sim::coinbase::SimOptions;
using nzeza::sim::coinbase::SimProduct;

namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

bool split(const std::string& arg, std::string& k, Decimal& v) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos) return false;
  auto d = Decimal::parse(arg.substr(eq + 1));
  if (!d) return false;
  k = arg.substr(0, eq);
  v = *d;
  return true;
}

int usage(const std::string& why) {
  std::cerr << "nzeza_sim_coinbase_server: " << why
            << "\nusage: nzeza_sim_coinbase_server [--key-name NAME] (--public-key-file PEM | "
               "--credentials-out PATH) [--algorithm es256|ed25519] [--tls] "
               "[--balance CCY=AMOUNT]... [--price PRODUCT=PRICE]...\n";
  return 2;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return s;
}

// Generates a key pair; returns {private key as the client reads it, public PEM}.
bool generate(bool ed25519, std::string& private_key, std::string& public_pem) {
  EVP_PKEY* key = ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return false;
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  public_pem = bio_text(pub);
  if (ed25519) {
    unsigned char seed[32];
    std::size_t len = sizeof seed;
    EVP_PKEY_get_raw_private_key(key, seed, &len);
    unsigned char b64[64];
    const int n = EVP_EncodeBlock(b64, seed, 32);
    private_key.assign(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
    OPENSSL_cleanse(seed, sizeof seed);
  } else {
    BIO* priv = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::string pem = bio_text(priv);
    for (const char c : pem) {
      if (c == '\n')
        private_key += "\\n";
      else
        private_key.push_back(c);
    }
    OPENSSL_cleanse(pem.data(), pem.size());
  }
  EVP_PKEY_free(key);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  nzeza::testsupport::StopSignals stop;  // first: before any thread starts

  SimOptions opts;
  std::string public_key_file;
  std::string credentials_out;
  bool ed25519 = false;
  std::vector<std::pair<std::string, Decimal>> balances = {
      {"USD", dec("100000")}, {"USDC", dec("50000")}, {"BTC", dec("2")}, {"ETH", dec("20")}};
  std::vector<std::pair<std::string, Decimal>> prices = {
      {"BTC-USD", dec("50000")}, {"BTC-USDC", dec("50000")}, {"ETH-USD", dec("3000")}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--key-name") {
      if (!next(opts.key_name)) return usage("--key-name needs a value");
    } else if (a == "--public-key-file") {
      if (!next(public_key_file)) return usage("--public-key-file needs a path");
    } else if (a == "--credentials-out") {
      if (!next(credentials_out)) return usage("--credentials-out needs a path");
    } else if (a == "--algorithm") {
      if (!next(v) || (v != "es256" && v != "ed25519")) return usage("--algorithm es256|ed25519");
      ed25519 = v == "ed25519";
    } else if (a == "--tls") {
      opts.tls = true;
    } else if (a == "--balance" || a == "--price") {
      std::string k;
      Decimal d;
      if (!next(v) || !split(v, k, d)) return usage(a + " needs NAME=DECIMAL");
      auto& list = a == "--balance" ? balances : prices;
      std::erase_if(list, [&](const auto& p) { return p.first == k; });
      list.emplace_back(k, d);
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (public_key_file.empty() == credentials_out.empty())
    return usage("give exactly one of --public-key-file and --credentials-out");
  if (!public_key_file.empty()) {
    std::ifstream in(public_key_file);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return usage("cannot read " + public_key_file);
    opts.public_key_pem = text.str();
  } else {
    std::string private_key;
    if (!generate(ed25519, private_key, opts.public_key_pem)) return usage("key generation failed");
    const int fd = ::open(credentials_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return usage("cannot create " + credentials_out);
    ::fchmod(fd, 0600);
    const std::string body =
        "api_key_name = " + opts.key_name + "\napi_private_key = " + private_key + "\n";
    const bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    ::close(fd);
    OPENSSL_cleanse(private_key.data(), private_key.size());
    if (!ok) return usage("cannot write " + credentials_out);
  }

  CoinbaseSim sim(opts);
  auto add = [&](const char* id, const char* base, const char* quote, const char* lot,
                 const char* min, const char* alias) {
    SimProduct p;
    p.product_id = id;
    p.base = base;
    p.quote = quote;
    p.price_increment = dec("0.01");
    p.base_increment = dec(lot);
    p.base_min_size = dec(min);
    p.base_max_size = dec("10000");
    p.quote_min_size = dec("1");
    p.alias = alias;
    for (const auto& [k, d] : prices)
      if (k == id) p.price = d;
    sim.add_product(p);
  };
  add("BTC-USD", "BTC", "USD", "0.00000001", "0.00001", "");
  add("BTC-USDC", "BTC", "USDC", "0.00000001", "0.00001", "BTC-USD");
  add("ETH-USD", "ETH", "USD", "0.0001", "0.001", "");
  for (const auto& [ccy, amount] : balances) sim.set_balance(ccy, amount);

  std::cout << "listening " << sim.base_url() << "\n"
            << "websocket " << sim.ws_url() << std::endl;

  stop.wait();
  return 0;
}
