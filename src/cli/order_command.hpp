#pragma once
// `nzeza order place|cancel|status|open|balances --venue <v> ...`: one request to a live venue
// (or a testnet, or a local simulator with --base-url), printed as text or --json. Real orders:
// nothing here runs unless the user types it.

#include <string>

namespace nzeza::cli {

// What the user typed, before it is checked and turned into an app::OrderConsoleRequest.
struct OrderOptions {
  std::string action;  // place, cancel, status, open, fills, balances
  std::string venue;
  std::string symbol;
  std::string side;
  std::string type = "limit";
  std::string tif = "gtc";
  std::string price;
  std::string stop_price;
  std::string quantity;
  std::string client_id;
  std::string order_id;
  std::string since;
  bool reduce_only = false;
  bool no_resolve = false;
  std::string base_url;
  std::string ws_url;
  std::string ca_file;
  std::string credentials_file;
  double timeout_s = 10;
  bool json = false;
};

// The exit codes, as `nzeza order --help` prints them.
extern const char* const kOrderExitCodes;

// Checks the arguments (exit 2 on any mistake, nothing sent), then sends; the exit code is
// app::OrderExit.
[[nodiscard]] int run(const OrderOptions& opt);

}  // namespace nzeza::cli
