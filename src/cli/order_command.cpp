#include "cli/order_command.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/order_console.hpp"
#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/order.hpp"

namespace nzeza::cli {
namespace {

// What the user typed, before it is checked and turned into an app::OrderConsoleRequest.
struct OrderCliOptions {
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

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  done (also when an unknown outcome was resolved and the venue did it)\n"
    "  1  refused: certainly not executed (refused before sending, by the venue, or not at the\n"
    "     venue after its window when an unknown outcome was resolved)\n"
    "  2  usage error: bad arguments or configuration, nothing was sent\n"
    "  3  outcome unknown: the request may have executed and the venue could not tell (or\n"
    "     --no-resolve); ask with `nzeza order status --client-id <id>`, never re-place it\n"
    "Every answer names the client order id (--json: \"client_order_id\", errors included).";

int usage(const std::string& message) {
  std::cerr << "nzeza order: " << message << std::endl;
  return static_cast<int>(app::OrderExit::usage);
}

std::optional<domain::OrderType> parse_type(std::string_view s) {
  if (s == "market") return domain::OrderType::market;
  if (s == "limit") return domain::OrderType::limit;
  if (s == "stop") return domain::OrderType::stop;
  if (s == "take-profit" || s == "take_profit") return domain::OrderType::take_profit;
  if (s == "stop-limit" || s == "stop_limit") return domain::OrderType::stop_limit;
  return std::nullopt;
}

std::optional<domain::TimeInForce> parse_tif(std::string_view s) {
  if (s == "gtc") return domain::TimeInForce::gtc;
  if (s == "ioc") return domain::TimeInForce::ioc;
  if (s == "fok") return domain::TimeInForce::fok;
  if (s == "post-only" || s == "post_only") return domain::TimeInForce::post_only;
  return std::nullopt;
}

Result<Decimal> parse_decimal(const std::string& name, const std::string& text) {
  auto d = Decimal::parse(text);
  if (!d.ok())
    return Error{ErrorCode::invalid_argument, name + " '" + text + "': " + d.error().message};
  if (!d->is_positive())
    return Error{ErrorCode::invalid_argument, name + " must be > 0, got " + text};
  return d;
}

std::optional<app::OrderAction> parse_action(std::string_view s) {
  if (s == "place") return app::OrderAction::place;
  if (s == "cancel") return app::OrderAction::cancel;
  if (s == "status") return app::OrderAction::status;
  if (s == "open") return app::OrderAction::open;
  if (s == "fills") return app::OrderAction::fills;
  if (s == "balances") return app::OrderAction::balances;
  return std::nullopt;
}

// Parses and checks the arguments (exit 2 on any mistake), then hands over to app.
int run_order(const OrderCliOptions& opt) {
  app::OrderConsoleRequest req;
  const auto action = parse_action(opt.action);
  if (!action) return usage("unknown action '" + opt.action + "'");
  req.action = *action;
  const auto venue = parse_venue(opt.venue);
  if (!venue || *venue == Venue::generic || *venue == Venue::paper) {
    return usage("unknown venue '" + opt.venue +
                 "' (binance, coinbase, kraken, hyperliquid or dydx; the paper venue runs inside "
                 "`nzeza run`)");
  }
  req.venue = *venue;
  req.symbol = opt.symbol;
  req.client_order_id = opt.client_id;
  req.venue_order_id = opt.order_id;
  req.json = opt.json;
  req.resolve = !opt.no_resolve;
  // Arguments of a place are checked before anything touches the network.
  if (req.action == app::OrderAction::place) {
    domain::OrderSpec& spec = req.order;
    if (opt.side != "buy" && opt.side != "sell") return usage("--side must be buy or sell");
    const auto type = parse_type(opt.type);
    if (!type) return usage("--type must be market, limit, stop, take-profit or stop-limit");
    const auto tif = parse_tif(opt.tif);
    if (!tif) return usage("--tif must be gtc, ioc, fok or post-only");
    if (opt.quantity.empty()) return usage("place needs --quantity");
    auto qty = parse_decimal("--quantity", opt.quantity);
    if (!qty.ok()) return usage(qty.error().message);
    spec.side = opt.side == "buy" ? Side::buy : Side::sell;
    spec.type = *type;
    spec.time_in_force = *tif;
    spec.quantity = *qty;
    spec.reduce_only = opt.reduce_only;
    if (!opt.price.empty()) {
      auto p = parse_decimal("--price", opt.price);
      if (!p.ok()) return usage(p.error().message);
      spec.price = *p;
    }
    if (!opt.stop_price.empty()) {
      auto p = parse_decimal("--stop-price", opt.stop_price);
      if (!p.ok()) return usage(p.error().message);
      spec.stop_price = *p;
    }
  }
  if (!opt.since.empty()) {
    auto since = Timestamp::parse_iso8601(opt.since);
    if (!since.ok()) return usage("--since '" + opt.since + "': " + since.error().message);
    req.fills_since = *since;
  }
  req.client.base_url = opt.base_url;
  req.client.ws_url = opt.ws_url;
  if (!opt.ca_file.empty()) req.client.ca_file = opt.ca_file;
  if (!opt.credentials_file.empty()) req.client.credentials.file = opt.credentials_file;
  req.client.request_timeout =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opt.timeout_s));
  return app::run_order_console(req, std::cout, std::cerr);
}

}  // namespace

void add_order_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<OrderCliOptions>();
  auto* cmd = app.add_subcommand(
      "order", "One order request to a venue: place, cancel, status, open, fills, balances (LIVE)");
  cmd->footer(kExitCodes);
  cmd->add_option("action", opt->action, "place, cancel, status, open, fills or balances")
      ->required()
      ->check(CLI::IsMember({"place", "cancel", "status", "open", "fills", "balances"}));
  cmd->add_option("--venue", opt->venue, "binance, coinbase, kraken, hyperliquid or dydx")
      ->required();
  cmd->add_option("--symbol", opt->symbol,
                  "Venue symbol (BTCUSDT, XXBTZUSD or BTC/USD, BTC-USD, BTC)");
  cmd->add_option("--side", opt->side, "buy or sell");
  cmd->add_option("--type", opt->type, "market, limit, stop, take-profit, stop-limit")
      ->capture_default_str();
  cmd->add_option("--tif", opt->tif, "gtc, ioc, fok or post-only")->capture_default_str();
  cmd->add_option("--price", opt->price, "Limit price (exact decimal)");
  cmd->add_option("--stop-price", opt->stop_price, "Trigger price (exact decimal)");
  cmd->add_option("--quantity", opt->quantity, "Quantity in base units (exact decimal)");
  cmd->add_option("--client-id", opt->client_id,
                  "Client order id (place: default a fresh one, printed before sending)");
  cmd->add_option("--order-id", opt->order_id, "Venue order id");
  cmd->add_option("--since", opt->since, "fills: from this UTC time (ISO 8601; default 24 h ago)");
  cmd->add_flag("--reduce-only", opt->reduce_only, "Only reduce a position (perpetuals)");
  cmd->add_flag("--no-resolve", opt->no_resolve,
                "place, cancel: on an unknown outcome exit 3 at once instead of asking the venue "
                "by client id after its window");
  cmd->add_option("--base-url", opt->base_url,
                  "REST base URL: a testnet or a local http(s):// simulator");
  cmd->add_option("--ws-url", opt->ws_url, "Private stream URL");
  cmd->add_option("--ca-file", opt->ca_file, "Extra CA bundle (PEM) to trust")
      ->check(CLI::ExistingFile);
  cmd->add_option("--credentials-file", opt->credentials_file,
                  "Owner-only credentials file (else NZEZA_<VENUE>_* variables)");
  cmd->add_option("--timeout-s", opt->timeout_s, "Per-request deadline in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "JSON lines on stdout, error answers included");
  cmd->callback([opt, &exit_code] { exit_code = run_order(*opt); });
}

}  // namespace nzeza::cli
