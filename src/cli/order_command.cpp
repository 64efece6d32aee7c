#include "cli/order_command.hpp"

#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "app/order_console.hpp"
#include "cli/time_arg.hpp"
#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/order.hpp"

namespace nzeza::cli {

const char* const kOrderExitCodes =
    "Exit codes:\n"
    "  0  done (also when an unknown outcome was resolved and the venue did it)\n"
    "  1  refused: certainly not executed (refused before sending, by the venue, or not at the\n"
    "     venue after its window when an unknown outcome was resolved)\n"
    "  2  usage error: bad arguments or configuration, nothing was sent\n"
    "  3  outcome unknown: the request may have executed and the venue could not tell (or\n"
    "     --no-resolve); ask with `nzeza order status --client-id <id>`, never re-place it\n"
    "Every answer names the client order id (--json: \"client_order_id\", errors included).";

namespace {

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

}  // namespace

// Parses and checks the arguments (exit 2 on any mistake), then hands over to app.
int run(const OrderOptions& opt) {
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
  req.client.request_timeout = seconds_arg(opt.timeout_s);
  return app::run_order_console(req, std::cout, std::cerr);
}

}  // namespace nzeza::cli
