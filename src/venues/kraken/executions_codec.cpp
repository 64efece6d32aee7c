#include "venues/kraken/executions_codec.hpp"

#include <simdjson.h>

#include "venues/kraken/rest_codec.hpp"

namespace nzeza::venues::kraken {

namespace od = simdjson::ondemand;

namespace {

// Exact text of a scalar: strings unescaped, numbers as their raw token, booleans as
// "true"/"false"; nullopt for null, objects and arrays.
std::optional<std::string> scalar(od::value v) {
  od::json_type t;
  if (v.type().get(t) != simdjson::SUCCESS) return std::nullopt;
  switch (t) {
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
      return std::string(s);
    }
    case od::json_type::number: {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() &&
             (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
        raw.remove_suffix(1);
      return std::string(raw);
    }
    case od::json_type::boolean: {
      bool b = false;
      if (v.get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
      return std::string(b ? "true" : "false");
    }
    default:
      return std::nullopt;
  }
}

Error malformed(std::string_view what, std::string_view frame) {
  std::string m = "kraken executions: ";
  m.append(what).append(" in: ").append(frame.substr(0, 160));
  return Error(ErrorCode::protocol, std::move(m));
}

Result<Decimal> dec(const ExecutionEntry& e, std::string_view key) {
  const auto* s = e.get(key);
  if (s == nullptr) return fail(ErrorCode::parse_error, "missing " + std::string(key));
  auto d = Decimal::parse(*s);
  if (!d) return fail(ErrorCode::parse_error, std::string(key) + ": " + d.error().message);
  return d;
}

}  // namespace

Result<std::optional<std::vector<ExecutionEntry>>> parse_executions_frame(std::string_view frame) {
  using R = Result<std::optional<std::vector<ExecutionEntry>>>;
  od::parser parser;
  simdjson::padded_string padded(frame);
  od::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return malformed("not JSON", frame);
  od::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) return malformed("not an object", frame);
  std::string_view channel;
  bool is_exec = false;
  std::vector<ExecutionEntry> entries;
  bool have_data = false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return malformed("bad key", frame);
    if (key == "channel") {
      if (field.value().get_string().get(channel) != simdjson::SUCCESS)
        return malformed("channel not a string", frame);
      is_exec = channel == "executions";
      if (!is_exec) return R(std::nullopt);
    } else if (key == "data") {
      od::array arr;
      if (field.value().get_array().get(arr) != simdjson::SUCCESS) {
        if (!is_exec && channel.empty()) return R(std::nullopt);  // not ours (e.g. pong)
        return malformed("data not an array", frame);
      }
      have_data = true;
      for (auto item : arr) {
        od::object o;
        if (item.get_object().get(o) != simdjson::SUCCESS)
          return malformed("data entry not an object", frame);
        ExecutionEntry e;
        for (auto f : o) {
          std::string_view k;
          if (f.unescaped_key().get(k) != simdjson::SUCCESS) return malformed("bad key", frame);
          od::value v;
          if (f.value().get(v) != simdjson::SUCCESS) return malformed("bad value", frame);
          if (k == "fees") {
            od::array fees;
            if (v.get_array().get(fees) != simdjson::SUCCESS)
              return malformed("fees not an array", frame);
            for (auto fee : fees) {
              od::object fo;
              if (fee.get_object().get(fo) != simdjson::SUCCESS)
                return malformed("fee not an object", frame);
              for (auto ff : fo) {
                std::string_view fk;
                if (ff.unescaped_key().get(fk) != simdjson::SUCCESS)
                  return malformed("bad fee key", frame);
                od::value fv;
                if (ff.value().get(fv) != simdjson::SUCCESS) return malformed("bad fee", frame);
                auto text = scalar(fv);
                if (fk == "asset" && text && e.fee_asset.empty()) e.fee_asset = *text;
                if (fk == "qty" && text && !e.fee_qty) e.fee_qty = *text;
              }
            }
            continue;
          }
          if (auto text = scalar(v)) e.fields.emplace(std::string(k), std::move(*text));
        }
        entries.push_back(std::move(e));
      }
    }
  }
  if (!is_exec) return R(std::nullopt);
  if (!have_data) return malformed("executions message without data", frame);
  return R(std::move(entries));
}

Result<ExecutionsTracker::Events> ExecutionsTracker::apply(const ExecutionEntry& e) {
  const auto* order_id = e.get("order_id");
  if (order_id == nullptr || order_id->empty())
    return fail(ErrorCode::parse_error, "kraken executions: entry without order_id");
  auto it = orders_.find(*order_id);
  const bool known = it != orders_.end();
  VenueOrder view = known ? it->second : VenueOrder{};
  view.report.venue_order_id = *order_id;
  if (const auto* cl = e.get("cl_ord_id")) view.client_order_id = *cl;
  if (const auto* sym = e.get("symbol"); sym != nullptr && !sym->empty()) {
    view.venue_symbol = *sym;
    // A symbol not loaded: kept with an invalid instrument, never dropped.
    view.instrument = resolve_ ? resolve_(*sym).value_or(InstrumentId{}) : InstrumentId{};
  } else if (!known) {
    return fail(ErrorCode::parse_error,
                "kraken executions: first entry of order " + *order_id + " has no symbol");
  }
  if (const auto* side = e.get("side")) {
    if (*side == "buy")
      view.side = Side::buy;
    else if (*side == "sell")
      view.side = Side::sell;
    else
      return fail(ErrorCode::parse_error, "kraken executions: side " + *side);
  }
  if (const auto* t = e.get("order_type")) {
    using OT = domain::OrderType;
    if (*t == "limit")
      view.type = OT::limit;
    else if (*t == "market")
      view.type = OT::market;
    else if (*t == "stop-loss")
      view.type = OT::stop;
    else if (*t == "take-profit")
      view.type = OT::take_profit;
    else if (*t == "stop-loss-limit")
      view.type = OT::stop_limit;
    else
      return fail(ErrorCode::parse_error, "kraken executions: order_type " + *t);
  }
  if (e.get("order_qty")) {
    auto q = dec(e, "order_qty");
    if (!q) return q.error();
    view.quantity = *q;
  } else if (!known) {
    return fail(ErrorCode::parse_error,
                "kraken executions: first entry of order " + *order_id + " has no order_qty");
  }
  if (e.get("limit_price")) {
    auto p = dec(e, "limit_price");
    if (!p) return p.error();
    view.price = *p;
  }
  if (const auto* tif = e.get("time_in_force")) {
    view.time_in_force = *tif == "IOC" ? domain::TimeInForce::ioc : domain::TimeInForce::gtc;
  }
  if (const auto* po = e.get("post_only"); po != nullptr && *po == "true")
    view.time_in_force = domain::TimeInForce::post_only;
  if (e.get("cum_qty")) {
    auto q = dec(e, "cum_qty");
    if (!q) return q.error();
    view.report.cumulative_filled = *q;
  }
  if (e.get("avg_price")) {
    auto p = dec(e, "avg_price");
    if (!p) return p.error();
    if (p->is_positive()) view.report.average_price = *p;
  }
  if (const auto* r = e.get("reason")) view.report.reason = *r;
  if (const auto* ts = e.get("timestamp")) {
    if (auto t = Timestamp::parse_iso8601(*ts)) view.report.at = *t;
  }
  using S = domain::VenueOrderStatus;
  if (const auto* st = e.get("order_status")) {
    if (*st == "pending_new" || *st == "new")
      view.report.status = S::open;
    else if (*st == "partially_filled")
      view.report.status = S::partially_filled;
    else if (*st == "filled")
      view.report.status = S::filled;
    else if (*st == "canceled")
      view.report.status = S::cancelled;
    else if (*st == "expired")
      view.report.status = S::expired;
    else
      return fail(ErrorCode::parse_error, "kraken executions: order_status " + *st);
  }

  Events out;
  const auto* exec_type = e.get("exec_type");
  if (exec_type != nullptr && *exec_type == "trade") {
    domain::Fill f;
    f.venue = Venue::kraken;
    f.instrument = view.instrument;
    f.venue_symbol = view.venue_symbol;
    const auto* exec_id = e.get("exec_id");
    if (exec_id == nullptr)
      return fail(ErrorCode::parse_error, "kraken executions: trade without exec_id");
    f.trade_id = *exec_id;
    f.client_order_id = view.client_order_id;
    f.side = view.side;
    auto qty = dec(e, "last_qty");
    auto px = dec(e, "last_price");
    if (!qty) return qty.error();
    if (!px) return px.error();
    f.quantity = *qty;
    f.price = *px;
    if (e.fee_qty) {
      auto fee = Decimal::parse(*e.fee_qty);
      if (!fee) return fail(ErrorCode::parse_error, "kraken executions: fee " + *e.fee_qty);
      f.fee = *fee;
      f.fee_currency = normalize_asset(e.fee_asset);
    }
    if (f.fee_currency.empty())
      if (const Instrument* inst = registry_.get(f.instrument)) f.fee_currency = inst->quote;
    const auto* liq = e.get("liquidity_ind");
    f.liquidity =
        liq != nullptr && *liq == "m" ? domain::Liquidity::maker : domain::Liquidity::taker;
    f.time = view.report.at;
    if (auto st = rest::check_fill(f); !st) return st.error();
    out.fill = std::move(f);
  }
  const bool terminal = view.report.status == S::filled || view.report.status == S::cancelled ||
                        view.report.status == S::expired || view.report.status == S::rejected;
  if (terminal)
    orders_.erase(*order_id);
  else
    orders_[*order_id] = view;
  out.order = std::move(view);
  return out;
}

}  // namespace nzeza::venues::kraken
