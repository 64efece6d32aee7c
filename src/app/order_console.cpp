#include "app/order_console.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/order_resolution.hpp"
#include "app/venue_factory.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/json_text.hpp"
#include "net/net_context.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {
namespace {

using venues::FailureClass;

// ---- redaction ---------------------------------------------------------------------------

bool iequal_at(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) !=
        std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_b64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '=';
}

// One whitespace-free token.
std::string redact_token(std::string_view token) {
  // A URL keeps its path, never its query (Binance signs the query string).
  if (const auto scheme = token.find("://"); scheme != std::string_view::npos) {
    if (const auto q = token.find('?', scheme); q != std::string_view::npos) {
      return std::string(token.substr(0, q)) + "?<redacted>";
    }
  }
  // A bare query string with a signature, a timestamp or a key in it.
  if (token.find('=') != std::string_view::npos) {
    for (std::string_view key :
         {"signature=", "timestamp=", "apikey=", "api_key=", "token=", "recvwindow=", "nonce="}) {
      for (std::size_t i = 0; i + key.size() <= token.size(); ++i) {
        if (iequal_at(token, i, key)) return "<redacted query>";
      }
    }
  }
  // A JWT: three base64url parts, the first one a JSON object ("eyJ").
  if (const auto j = token.find("eyJ"); j != std::string_view::npos) {
    std::size_t dots = 0;
    std::size_t end = j;
    while (end < token.size() && (is_b64url(token[end]) || token[end] == '.')) {
      if (token[end] == '.') ++dots;
      ++end;
    }
    if (dots >= 2) {
      return std::string(token.substr(0, j)) + "<redacted jwt>" + redact_token(token.substr(end));
    }
  }
  std::string out(token);
  // A private key or a signature in hex: 0x + 64 or more hex digits.
  for (std::size_t i = 0; i + 2 < out.size(); ++i) {
    if (out[i] != '0' || (out[i + 1] != 'x' && out[i + 1] != 'X')) continue;
    std::size_t end = i + 2;
    while (end < out.size() && std::isxdigit(static_cast<unsigned char>(out[end])) != 0) ++end;
    if (end - (i + 2) >= 64) out.replace(i, end - i, "0x<redacted>");
  }
  // A JSON "signature" member (a signed body echoed back).
  for (std::size_t at = 0;;) {
    const auto s = out.find("\"signature\":", at);
    if (s == std::string::npos) break;
    std::size_t v = s + 12;
    std::size_t end = v;
    if (end < out.size() && out[end] == '{') {
      int depth = 0;
      for (; end < out.size(); ++end) {
        if (out[end] == '{') ++depth;
        if (out[end] == '}' && --depth == 0) {
          ++end;
          break;
        }
      }
    } else {
      while (end < out.size() && out[end] != ',' && out[end] != '}') ++end;
    }
    out.replace(v, end - v, "\"<redacted>\"");
    at = v;
  }
  return out;
}

// ---- output ------------------------------------------------------------------------------

// One JSON object, members in the order they are added; every string passes redaction.
class JsonObject {
 public:
  JsonObject& str(std::string_view key, std::string_view value) {
    return raw(key, json_quoted(redact_secrets(value)));
  }
  JsonObject& boolean(std::string_view key, bool value) {
    return raw(key, value ? "true" : "false");
  }
  JsonObject& raw(std::string_view key, std::string_view json) {
    text_ += text_.empty() ? "{" : ",";
    text_ += json_quoted(key);
    text_ += ':';
    text_ += json;
    return *this;
  }
  [[nodiscard]] std::string done() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  std::string text_;
};

std::string symbol_of(const InstrumentRegistry& registry, InstrumentId id,
                      std::string_view venue_symbol) {
  if (const Instrument* inst = registry.get(id); inst != nullptr) return inst->venue_symbol;
  if (!venue_symbol.empty()) return std::string(venue_symbol);
  return "?";
}

void add_report(JsonObject& o, const domain::VenueOrderReport& r) {
  o.str("status", to_string(r.status)).str("filled", r.cumulative_filled.to_string());
  if (r.average_price) o.str("average_price", r.average_price->to_string());
  if (!r.reason.empty()) o.str("reason", r.reason);
}

// The --json answer to an acknowledged place or cancel.
JsonObject ack_object(std::string_view venue_order_id, std::string_view client_order_id,
                      const domain::VenueOrderReport& report) {
  JsonObject o;
  o.boolean("ok", true)
      .str("outcome", "done")
      .str("venue_order_id", venue_order_id)
      .str("client_order_id", client_order_id);
  add_report(o, report);
  return o;
}

std::string report_text(const domain::VenueOrderReport& r) {
  std::ostringstream o;
  o << to_string(r.status) << ", filled " << r.cumulative_filled.to_string();
  if (r.average_price) o << " at " << r.average_price->to_string();
  if (!r.reason.empty()) o << " (" << r.reason << ")";
  return o.str();
}

JsonObject error_object(const Error& e, std::string_view client_order_id) {
  JsonObject o;
  o.str("code", to_string(e.code))
      .str("failure_class", venues::to_string(venues::classify(e)))
      .str("message", e.message)
      .str("client_order_id", client_order_id);
  if (e.delivery != Delivery::none) o.str("delivery", to_string(e.delivery));
  if (!e.venue_code.empty()) o.str("venue_code", e.venue_code);
  if (!e.venue_text.empty()) o.str("venue_text", e.venue_text);
  return o;
}

// How an exit code reads: one word for --json, and what it means for the order on stderr.
struct ExitText {
  std::string_view word;
  std::string_view meaning;
};

ExitText exit_text(OrderExit code) {
  switch (code) {
    case OrderExit::done:
      return {"done", "done"};
    case OrderExit::refused:
      return {"refused", "refused, certainly not executed"};
    case OrderExit::usage:
      return {"usage", "usage error, nothing was sent"};
    case OrderExit::unknown:
      return {"unknown", "OUTCOME UNKNOWN, it may have executed"};
  }
  return {"unknown", ""};
}

class Console {
 public:
  Console(const OrderConsoleRequest& request, std::ostream& out, std::ostream& err)
      : req_(request), out_(out), err_(err) {}

  int run();

 private:
  using Exit = OrderExit;

  int usage(std::string_view message) {
    return fail(Error{ErrorCode::invalid_argument, std::string(message)}, Exit::usage, {});
  }
  // Prints a failure (stderr; and a JSON line on stdout with --json) and answers its exit code.
  int fail(const Error& e, Exit code, std::string_view client_order_id,
           std::string_view resolution = {}) {
    if (req_.json) {
      JsonObject o;
      o.boolean("ok", false)
          .str("outcome", exit_text(code).word)
          .str("client_order_id", client_order_id)
          .raw("error", error_object(e, client_order_id).done());
      if (!resolution.empty()) o.str("resolution", resolution);
      out_ << o.done() << std::endl;
    }
    std::string line = "nzeza order: ";
    if (!client_order_id.empty()) line += "client order id " + std::string(client_order_id) + ": ";
    line += std::string(exit_text(code).meaning) + ": " + e.to_string();
    err_ << redact_secrets(line) << std::endl;
    if (!resolution.empty()) err_ << "nzeza order: " << redact_secrets(resolution) << std::endl;
    return static_cast<int>(code);
  }
  int fail(const Error& e, std::string_view client_order_id) {
    return fail(e, exit_of(venues::classify(e)), client_order_id);
  }
  void note(std::string_view line) { err_ << "nzeza order: " << redact_secrets(line) << std::endl; }

  // Nothing of the order request was sent: certainly not executed, whatever the cause's class.
  static Error before_sending(Error e, std::string_view what) {
    e.message = "nothing was sent (" + std::string(what) + "): " + e.message;
    e.delivery = Delivery::not_sent;
    return e;
  }

  template <typename T, typename Call>
  Result<T> call(Call&& c) {
    return call_and_wait<T>(std::forward<Call>(c), guard_);
  }

  Status check_client_id(std::string_view id) const;
  Result<ClientOrderId> client_order_id();
  void print_order(const venues::VenueOrder& o);
  void print_fill(const domain::Fill& f);
  int resolve(const Error& e, const venues::OrderRef& ref, Timestamp sent_at, bool is_place);

  int place();
  int cancel();
  int status();
  int open();
  int fills();
  int balances();

  const OrderConsoleRequest& req_;
  std::ostream& out_;
  std::ostream& err_;
  // Declared in the order they must outlive the client (destroyed first).
  SystemClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<venues::VenueClient> client_;
  InstrumentId instrument_;
  Duration guard_{};
};

Status Console::check_client_id(std::string_view id) const {
  bool valid = !id.empty();
  std::string_view form = "a non-empty id";
  switch (req_.venue) {
    case Venue::binance:
      valid = is_valid_binance_client_id(id);
      form = "up to 36 characters of [.A-Za-z0-9:/_-]";
      break;
    case Venue::kraken:
      valid = is_valid_kraken_client_id(id);
      form = "a UUID or up to 18 alphanumeric characters";
      break;
    case Venue::hyperliquid:
      valid = is_valid_hyperliquid_cloid(id);
      form = "0x and 32 hex digits";
      break;
    case Venue::dydx:
      valid = !id.empty() && id.size() <= 10 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      }) && std::stoull(std::string(id)) <= 0xFFFFFFFFull;
      form = "a decimal number below 2^32";
      break;
    default:
      break;
  }
  if (!valid) {
    return Error{ErrorCode::invalid_argument, "--client-id '" + std::string(id) +
                                                  "': " + std::string(to_string(req_.venue)) +
                                                  " wants " + std::string(form)};
  }
  return {};
}

// The user's id, or a fresh one made before anything is sent (so every answer can name it).
Result<ClientOrderId> Console::client_order_id() {
  if (!req_.client_order_id.empty()) {
    if (Status s = check_client_id(req_.client_order_id); !s.ok()) return s.error();
    return ClientOrderId{req_.venue, 0, req_.client_order_id};
  }
  auto codec = ClientIdCodec::create("cli");
  if (!codec.ok()) return codec.error();
  const auto seq = static_cast<std::uint64_t>(clock_.now().ns() / 1'000'000);
  return codec->encode(req_.venue, seq);
}

void Console::print_order(const venues::VenueOrder& o) {
  const std::string sym = symbol_of(registry_, o.instrument, o.venue_symbol);
  if (req_.json) {
    JsonObject j;
    j.str("venue_order_id", o.report.venue_order_id)
        .str("client_order_id", o.client_order_id)
        .str("symbol", sym)
        .boolean("instrument_loaded", registry_.get(o.instrument) != nullptr)
        .str("side", to_string(o.side))
        .str("type", domain::to_string(o.type))
        .str("quantity", o.quantity.to_string());
    if (o.price) j.str("price", o.price->to_string());
    add_report(j, o.report);
    out_ << j.done() << std::endl;
    return;
  }
  std::ostringstream line;
  line << o.report.venue_order_id << " "
       << (o.client_order_id.empty() ? std::string("-") : o.client_order_id) << " " << sym << " "
       << to_string(o.side) << " " << domain::to_string(o.type) << " " << o.quantity.to_string();
  if (o.price) line << " @ " << o.price->to_string();
  line << ": " << report_text(o.report);
  out_ << redact_secrets(line.str()) << std::endl;
}

void Console::print_fill(const domain::Fill& f) {
  const std::string sym = symbol_of(registry_, f.instrument, f.venue_symbol);
  if (req_.json) {
    JsonObject j;
    j.str("trade_id", f.trade_id)
        .str("client_order_id", f.client_order_id)
        .str("symbol", sym)
        .boolean("instrument_loaded", registry_.get(f.instrument) != nullptr)
        .str("side", to_string(f.side))
        .str("price", f.price.to_string())
        .str("quantity", f.quantity.to_string())
        .str("fee", f.fee.to_string())
        .str("fee_currency", f.fee_currency)
        .str("liquidity", domain::to_string(f.liquidity))
        .str("time", f.time.to_iso8601());
    out_ << j.done() << std::endl;
    return;
  }
  std::ostringstream line;
  line << f.time.to_iso8601() << " " << f.trade_id << " "
       << (f.client_order_id.empty() ? std::string("-") : f.client_order_id) << " " << sym << " "
       << to_string(f.side) << " " << f.quantity.to_string() << " @ " << f.price.to_string()
       << " fee " << f.fee.to_string() << " " << f.fee_currency << " "
       << domain::to_string(f.liquidity);
  out_ << redact_secrets(line.str()) << std::endl;
}

// An unknown outcome of a place or cancel: skip (exit 3) or ask the venue by client id.
int Console::resolve(const Error& e, const venues::OrderRef& ref, Timestamp sent_at,
                     bool is_place) {
  const std::string& cid = ref.client_order_id;
  const std::string verb = is_place ? "place" : "cancel";
  if (!req_.resolve) {
    return fail(e, Exit::unknown, cid,
                "not resolved (--no-resolve): ask with `nzeza order status --venue " +
                    std::string(to_string(req_.venue)) + " --symbol " + req_.symbol +
                    (cid.empty() ? " --order-id " + ref.venue_order_id : " --client-id " + cid) +
                    "`; never place it again under a new id before you know");
  }
  note(verb + " of client order id " + (cid.empty() ? std::string("(none)") : cid) +
       ": outcome unknown (" + e.to_string() + "); asking the venue what became of it");
  ResolveOptions options;
  options.call_guard = guard_;
  options.on_wait = [this](Timestamp until) {
    note("not found yet; waiting until " + until.to_iso8601() +
         " (the venue's window for the request) before asking again");
  };
  const Resolved r = is_place ? resolve_place(*client_, clock_, ref, sent_at, options)
                              : resolve_cancel(*client_, clock_, ref, sent_at, options);
  switch (r.outcome) {
    case Resolution::done: {
      const venues::VenueOrder& o = *r.order;
      const std::string client_id = o.client_order_id.empty() ? cid : o.client_order_id;
      if (req_.json) {
        JsonObject j;
        j.boolean("ok", true)
            .str("outcome", "done")
            .boolean("resolved", true)
            .str("resolution", r.summary)
            .str("venue_order_id", o.report.venue_order_id)
            .str("client_order_id", client_id)
            .str("symbol", symbol_of(registry_, o.instrument, o.venue_symbol));
        add_report(j, o.report);
        j.raw("unknown_error", error_object(e, client_id).done());
        out_ << j.done() << std::endl;
      } else {
        out_ << redact_secrets((is_place ? "placed " : "cancel ") + o.report.venue_order_id +
                               " (client id " + client_id + "): " + report_text(o.report) +
                               "; resolved after an unknown outcome: " + r.summary)
             << std::endl;
      }
      return static_cast<int>(Exit::done);
    }
    case Resolution::not_done:
      return fail(e, Exit::refused, cid, r.summary);
    case Resolution::still_unknown:
      break;
  }
  return fail(e, Exit::unknown, cid, r.summary);
}

int Console::place() {
  domain::OrderSpec spec = req_.order;
  spec.venue = req_.venue;
  spec.instrument = instrument_;
  auto id = client_order_id();
  if (!id.ok()) return fail(id.error(), Exit::usage, req_.client_order_id);
  spec.client_order_id = std::move(id).value();
  const std::string cid = spec.client_order_id.text;
  if (Status s = domain::validate(spec); !s.ok()) return fail(s.error(), Exit::usage, cid);
  const Instrument* inst = registry_.get(instrument_);
  if (spec.price && inst != nullptr) {
    if (Status s = inst->check_order(*spec.price, spec.quantity); !s.ok()) {
      return fail(before_sending(s.error(), "the instrument's rules"), cid);
    }
  }
  note("placing client order id " + cid);
  const Timestamp sent_at = clock_.now();
  auto ack = call<venues::PlaceAck>([&](auto cb) { client_->place(spec, cb); });
  if (!ack.ok()) {
    if (venues::classify(ack.error()) == FailureClass::outcome_unknown) {
      return resolve(ack.error(), venues::OrderRef{{}, cid, instrument_}, sent_at, true);
    }
    return fail(ack.error(), cid);
  }
  const std::string client_id = ack->client_order_id.empty() ? cid : ack->client_order_id;
  if (req_.json) {
    JsonObject j = ack_object(ack->venue_order_id, client_id, ack->report);
    j.raw("fills", std::to_string(ack->fills.size()));
    out_ << j.done() << std::endl;
  } else {
    out_ << redact_secrets("placed " + ack->venue_order_id + " (client id " + client_id +
                           "): " + report_text(ack->report) + ", " +
                           std::to_string(ack->fills.size()) + " fills")
         << std::endl;
  }
  return static_cast<int>(Exit::done);
}

int Console::cancel() {
  const venues::OrderRef ref{req_.venue_order_id, req_.client_order_id, instrument_};
  const Timestamp sent_at = clock_.now();
  auto ack = call<venues::CancelAck>([&](auto cb) { client_->cancel(ref, cb); });
  if (!ack.ok()) {
    if (venues::classify(ack.error()) == FailureClass::outcome_unknown) {
      return resolve(ack.error(), ref, sent_at, false);
    }
    return fail(ack.error(), ref.client_order_id);
  }
  const std::string client_id =
      ack->client_order_id.empty() ? ref.client_order_id : ack->client_order_id;
  if (req_.json) {
    out_ << ack_object(ack->venue_order_id, client_id, ack->report).done() << std::endl;
  } else {
    out_ << redact_secrets("cancel " + ack->venue_order_id + " (client id " +
                           (client_id.empty() ? std::string("-") : client_id) +
                           "): " + report_text(ack->report))
         << std::endl;
  }
  return static_cast<int>(Exit::done);
}

int Console::status() {
  const venues::OrderRef ref{req_.venue_order_id, req_.client_order_id, instrument_};
  auto order = call<venues::VenueOrder>([&](auto cb) { client_->order_status(ref, cb); });
  if (!order.ok()) return fail(order.error(), ref.client_order_id);
  print_order(*order);
  return static_cast<int>(Exit::done);
}

int Console::open() {
  std::optional<InstrumentId> filter;
  if (!req_.symbol.empty()) filter = instrument_;
  auto orders =
      call<std::vector<venues::VenueOrder>>([&](auto cb) { client_->open_orders(filter, cb); });
  if (!orders.ok()) return fail(orders.error(), {});
  for (const auto& o : *orders) print_order(o);
  if (!req_.json) out_ << orders->size() << " open orders" << std::endl;
  return static_cast<int>(Exit::done);
}

int Console::fills() {
  std::optional<InstrumentId> filter;
  if (!req_.symbol.empty()) filter = instrument_;
  const Timestamp since = req_.fills_since.value_or(clock_.now() - std::chrono::hours(24));
  auto fills =
      call<std::vector<domain::Fill>>([&](auto cb) { client_->fills_since(since, filter, cb); });
  if (!fills.ok()) return fail(fills.error(), {});
  for (const auto& f : *fills) print_fill(f);
  if (!req_.json) out_ << fills->size() << " fills since " << since.to_iso8601() << std::endl;
  return static_cast<int>(Exit::done);
}

int Console::balances() {
  auto balances = call<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  if (!balances.ok()) return fail(balances.error(), {});
  for (const auto& b : *balances) {
    if (req_.json) {
      JsonObject j;
      j.str("currency", b.currency())
          .str("available", b.available().to_string())
          .str("locked", b.locked().to_string())
          .str("total", b.total().to_string());
      out_ << j.done() << std::endl;
    } else {
      out_ << b.currency() << " total " << b.total().to_string() << " available "
           << b.available().to_string() << " locked " << b.locked().to_string() << std::endl;
    }
  }
  return static_cast<int>(Exit::done);
}

int Console::run() {
  const bool needs_symbol = req_.action == OrderAction::place ||
                            req_.action == OrderAction::cancel ||
                            req_.action == OrderAction::status;
  if (needs_symbol && req_.symbol.empty()) return usage("this action needs --symbol");
  if ((req_.action == OrderAction::cancel || req_.action == OrderAction::status) &&
      req_.client_order_id.empty() && req_.venue_order_id.empty()) {
    return usage("this action needs --order-id or --client-id");
  }
  if (req_.action == OrderAction::place && !req_.client_order_id.empty()) {
    if (Status s = check_client_id(req_.client_order_id); !s.ok()) {
      return fail(s.error(), Exit::usage, req_.client_order_id);
    }
  }

  net_.start();
  venues::ClientOptions options = req_.client;
  if (!req_.symbol.empty()) options.symbols = {req_.symbol};
  venues::ClientDeps deps{&net_, &clock_, &registry_};
  auto client = make_venue_client(req_.venue, options, deps);
  if (!client.ok()) return fail(client.error(), Exit::usage, req_.client_order_id);
  client_ = std::move(client).value();
  const Duration timeout = options.request_timeout.count() > 0 ? options.request_timeout : 10s;
  guard_ = timeout + 5s;

  // The instrument (tick, lot, limits) of --symbol: every order is checked against it.
  if (!req_.symbol.empty()) {
    auto loaded = call<std::vector<Instrument>>([&](auto cb) { client_->load_instruments(cb); });
    // place and cancel: until here the order request itself was never sent.
    const bool order_request =
        req_.action == OrderAction::place || req_.action == OrderAction::cancel;
    if (!loaded.ok()) {
      const Error e = order_request
                          ? before_sending(loaded.error(), "loading the instrument failed")
                          : loaded.error();
      return fail(e, req_.client_order_id);
    }
    for (auto& inst : *loaded) (void)registry_.add(std::move(inst));
    const Instrument* found = registry_.find(req_.venue, req_.symbol);
    if (found == nullptr) {
      Error e{ErrorCode::not_found, "symbol '" + req_.symbol + "' is not listed by " +
                                        std::string(to_string(req_.venue))};
      if (order_request) e = before_sending(std::move(e), "unknown symbol");
      return fail(e, Exit::refused, req_.client_order_id);
    }
    instrument_ = found->id;
  }

  int code = 0;
  switch (req_.action) {
    case OrderAction::place:
      code = place();
      break;
    case OrderAction::cancel:
      code = cancel();
      break;
    case OrderAction::status:
      code = status();
      break;
    case OrderAction::open:
      code = open();
      break;
    case OrderAction::fills:
      code = fills();
      break;
    case OrderAction::balances:
      code = balances();
      break;
  }
  client_.reset();
  net_.stop();
  return code;
}

}  // namespace

std::string redact_secrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool bearer = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_space(text[end])) ++end;
    const std::string_view token = text.substr(i, end - i);
    out += bearer ? std::string("<redacted>") : redact_token(token);
    bearer = iequal_at(token, 0, "bearer") && token.size() == 6;
    i = end;
  }
  return out;
}

int run_order_console(const OrderConsoleRequest& request, std::ostream& out, std::ostream& err) {
  Console console(request, out, err);
  return console.run();
}

}  // namespace nzeza::app
