#include "cli/order_command.hpp"

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/venue_factory.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::cli {
namespace {

struct OrderCliOptions {
  std::string action;  // place, cancel, status, open, balances
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
  bool reduce_only = false;
  std::string base_url;
  std::string ws_url;
  std::string ca_file;
  std::string credentials_file;
  double timeout_s = 10;
  bool json = false;
};

int fail(const std::string& message, int code = 2) {
  std::cerr << "nzeza order: " << message << std::endl;
  return code;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Waits for one asynchronous port call.
template <typename T, typename Call>
Result<T> await(Call&& call, Duration guard) {
  auto done = std::make_shared<std::promise<Result<T>>>();
  auto future = done->get_future();
  call([done](Result<T> r) { done->set_value(std::move(r)); });
  if (future.wait_for(guard) != std::future_status::ready) {
    return Error{
        ErrorCode::timeout,
        "no answer within " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(guard).count()) +
            " s (the outcome is unknown)"};
  }
  return future.get();
}

int venue_error(const Error& e, bool json) {
  if (json) {
    std::cout << "{\"ok\":false,\"error\":" << quoted(to_string(e.code))
              << ",\"message\":" << quoted(e.message) << ",\"venue_code\":" << quoted(e.venue_code)
              << ",\"venue_text\":" << quoted(e.venue_text) << "}" << std::endl;
  }
  std::cerr << "nzeza order: " << to_string(e.code) << ": " << e.message;
  if (!e.venue_code.empty()) std::cerr << " [venue code " << e.venue_code << "]";
  if (!e.venue_text.empty()) std::cerr << " " << e.venue_text;
  std::cerr << std::endl;
  return 1;
}

std::string report_json(const domain::VenueOrderReport& r) {
  std::ostringstream o;
  o << "\"status\":" << quoted(to_string(r.status))
    << ",\"filled\":" << quoted(r.cumulative_filled.to_string());
  if (r.average_price) o << ",\"average_price\":" << quoted(r.average_price->to_string());
  if (!r.reason.empty()) o << ",\"reason\":" << quoted(r.reason);
  return o.str();
}

std::string report_text(const domain::VenueOrderReport& r) {
  std::ostringstream o;
  o << to_string(r.status) << ", filled " << r.cumulative_filled.to_string();
  if (r.average_price) o << " at " << r.average_price->to_string();
  if (!r.reason.empty()) o << " (" << r.reason << ")";
  return o.str();
}

void print_order(const venues::VenueOrder& o, const InstrumentRegistry& reg, bool json) {
  const Instrument* inst = reg.get(o.instrument);
  const std::string sym = inst != nullptr ? inst->venue_symbol : "?";
  if (json) {
    std::cout << "{\"venue_order_id\":" << quoted(o.report.venue_order_id)
              << ",\"client_order_id\":" << quoted(o.client_order_id)
              << ",\"symbol\":" << quoted(sym) << ",\"side\":" << quoted(to_string(o.side))
              << ",\"type\":" << quoted(domain::to_string(o.type))
              << ",\"quantity\":" << quoted(o.quantity.to_string());
    if (o.price) std::cout << ",\"price\":" << quoted(o.price->to_string());
    std::cout << "," << report_json(o.report) << "}" << std::endl;
  } else {
    std::cout << o.report.venue_order_id << " " << o.client_order_id << " " << sym << " "
              << to_string(o.side) << " " << domain::to_string(o.type) << " "
              << o.quantity.to_string();
    if (o.price) std::cout << " @ " << o.price->to_string();
    std::cout << ": " << report_text(o.report) << std::endl;
  }
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

int run_order(const OrderCliOptions& opt) {
  const auto venue = parse_venue(opt.venue);
  if (!venue || *venue == Venue::generic || *venue == Venue::paper) {
    return fail("unknown venue '" + opt.venue +
                "' (binance, coinbase, kraken, hyperliquid or dydx; the paper venue runs inside "
                "`nzeza run`)");
  }
  const bool needs_symbol =
      opt.action == "place" || opt.action == "cancel" || opt.action == "status";
  if (needs_symbol && opt.symbol.empty()) return fail(opt.action + " needs --symbol");
  if ((opt.action == "cancel" || opt.action == "status") && opt.client_id.empty() &&
      opt.order_id.empty()) {
    return fail(opt.action + " needs --order-id or --client-id");
  }
  // Arguments of a place are checked before anything touches the network.
  domain::OrderSpec spec;
  if (opt.action == "place") {
    if (opt.side != "buy" && opt.side != "sell") return fail("--side must be buy or sell");
    const auto type = parse_type(opt.type);
    if (!type) return fail("--type must be market, limit, stop, take-profit or stop-limit");
    const auto tif = parse_tif(opt.tif);
    if (!tif) return fail("--tif must be gtc, ioc, fok or post-only");
    if (opt.quantity.empty()) return fail("place needs --quantity");
    auto qty = parse_decimal("--quantity", opt.quantity);
    if (!qty.ok()) return fail(qty.error().message);
    spec.side = opt.side == "buy" ? Side::buy : Side::sell;
    spec.type = *type;
    spec.time_in_force = *tif;
    spec.quantity = *qty;
    spec.reduce_only = opt.reduce_only;
    if (!opt.price.empty()) {
      auto p = parse_decimal("--price", opt.price);
      if (!p.ok()) return fail(p.error().message);
      spec.price = *p;
    }
    if (!opt.stop_price.empty()) {
      auto p = parse_decimal("--stop-price", opt.stop_price);
      if (!p.ok()) return fail(p.error().message);
      spec.stop_price = *p;
    }
  }

  SystemClock clock;
  net::NetContext net;
  net.start();
  InstrumentRegistry registry;
  venues::ClientOptions options;
  options.base_url = opt.base_url;
  options.ws_url = opt.ws_url;
  if (!opt.ca_file.empty()) options.ca_file = opt.ca_file;
  if (!opt.credentials_file.empty()) options.credentials.file = opt.credentials_file;
  options.request_timeout =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opt.timeout_s));
  if (!opt.symbol.empty()) options.symbols.push_back(opt.symbol);
  venues::ClientDeps deps{&net, &clock, &registry};
  auto client = app::make_venue_client(*venue, options, deps);
  if (!client.ok()) return fail(client.error().message);
  venues::VenueClient& venue_client = **client;
  const Duration guard = options.request_timeout + std::chrono::seconds(5);

  // Instruments (tick, lot, limits) for the symbol: every order is checked against them.
  InstrumentId instrument;
  if (!opt.symbol.empty()) {
    auto loaded =
        await<std::vector<Instrument>>([&](auto cb) { venue_client.load_instruments(cb); }, guard);
    if (!loaded.ok()) return venue_error(loaded.error(), opt.json);
    for (auto& inst : *loaded) (void)registry.add(std::move(inst));
    const Instrument* found = registry.find(*venue, opt.symbol);
    if (found == nullptr) {
      return fail("symbol '" + opt.symbol + "' is not listed by " + opt.venue, 1);
    }
    instrument = found->id;
  }

  if (opt.action == "place") {
    spec.venue = *venue;
    spec.instrument = instrument;
    if (!opt.client_id.empty()) {
      spec.client_order_id = ClientOrderId{*venue, 0, opt.client_id};
    } else {
      auto codec = ClientIdCodec::create("cli");
      const auto seq = static_cast<std::uint64_t>(clock.now().ns() / 1'000'000);
      auto id = codec->encode(*venue, seq);
      if (!id.ok()) return fail(id.error().message);
      spec.client_order_id = std::move(id).value();
    }
    if (Status s = domain::validate(spec); !s.ok()) return fail(s.error().message);
    const Instrument* inst = registry.get(instrument);
    if (spec.price) {
      if (Status s = inst->check_order(*spec.price, spec.quantity); !s.ok()) {
        return fail(s.error().message, 1);
      }
    }
    auto ack = await<venues::PlaceAck>([&](auto cb) { venue_client.place(spec, cb); }, guard);
    if (!ack.ok()) return venue_error(ack.error(), opt.json);
    if (opt.json) {
      std::cout << "{\"ok\":true,\"venue_order_id\":" << quoted(ack->venue_order_id)
                << ",\"client_order_id\":" << quoted(ack->client_order_id) << ","
                << report_json(ack->report) << ",\"fills\":" << ack->fills.size() << "}"
                << std::endl;
    } else {
      std::cout << "placed " << ack->venue_order_id << " (client id " << ack->client_order_id
                << "): " << report_text(ack->report) << ", " << ack->fills.size() << " fills"
                << std::endl;
    }
    return 0;
  }
  if (opt.action == "cancel") {
    venues::OrderRef ref{opt.order_id, opt.client_id, instrument};
    auto ack = await<venues::CancelAck>([&](auto cb) { venue_client.cancel(ref, cb); }, guard);
    if (!ack.ok()) return venue_error(ack.error(), opt.json);
    if (opt.json) {
      std::cout << "{\"ok\":true,\"venue_order_id\":" << quoted(ack->venue_order_id) << ","
                << report_json(ack->report) << "}" << std::endl;
    } else {
      std::cout << "cancel " << ack->venue_order_id << ": " << report_text(ack->report)
                << std::endl;
    }
    return 0;
  }
  if (opt.action == "status") {
    venues::OrderRef ref{opt.order_id, opt.client_id, instrument};
    auto order =
        await<venues::VenueOrder>([&](auto cb) { venue_client.order_status(ref, cb); }, guard);
    if (!order.ok()) return venue_error(order.error(), opt.json);
    print_order(*order, registry, opt.json);
    return 0;
  }
  if (opt.action == "open") {
    std::optional<InstrumentId> filter;
    if (!opt.symbol.empty()) filter = instrument;
    auto orders = await<std::vector<venues::VenueOrder>>(
        [&](auto cb) { venue_client.open_orders(filter, cb); }, guard);
    if (!orders.ok()) return venue_error(orders.error(), opt.json);
    for (const auto& o : *orders) print_order(o, registry, opt.json);
    if (!opt.json) std::cout << orders->size() << " open orders" << std::endl;
    return 0;
  }
  // balances
  auto balances =
      await<std::vector<domain::Balance>>([&](auto cb) { venue_client.balances(cb); }, guard);
  if (!balances.ok()) return venue_error(balances.error(), opt.json);
  for (const auto& b : *balances) {
    if (opt.json) {
      std::cout << "{\"currency\":" << quoted(b.currency())
                << ",\"available\":" << quoted(b.available().to_string())
                << ",\"locked\":" << quoted(b.locked().to_string())
                << ",\"total\":" << quoted(b.total().to_string()) << "}" << std::endl;
    } else {
      std::cout << b.currency() << " total " << b.total().to_string() << " available "
                << b.available().to_string() << " locked " << b.locked().to_string() << std::endl;
    }
  }
  return 0;
}

}  // namespace

void add_order_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<OrderCliOptions>();
  auto* cmd = app.add_subcommand(
      "order", "One order request to a venue: place, cancel, status, open, balances (LIVE)");
  cmd->add_option("action", opt->action, "place, cancel, status, open or balances")
      ->required()
      ->check(CLI::IsMember({"place", "cancel", "status", "open", "balances"}));
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
  cmd->add_option("--client-id", opt->client_id, "Client order id (default: a fresh one)");
  cmd->add_option("--order-id", opt->order_id, "Venue order id");
  cmd->add_flag("--reduce-only", opt->reduce_only, "Only reduce a position (perpetuals)");
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
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &exit_code] { exit_code = run_order(*opt); });
}

}  // namespace nzeza::cli
