#include "app/status_view.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

namespace nzeza::app {
namespace {

namespace json = boost::json;

// Money on screen: at most 4 decimals (a PnL carries 16); JSON keeps every digit.
std::string money(Decimal d) {
  auto r = d.round_to_decimals(4, RoundingMode::nearest);
  return r ? r->to_string() : d.to_string();
}

std::string signed_money(Decimal d) {
  return (d.is_negative() ? "" : "+") + money(d);
}

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// Rows of cells, each column padded to its widest cell; every row starts with `indent`.
std::vector<std::string> table(const std::vector<std::vector<std::string>>& rows,
                               std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    if (widths.size() < r.size()) widths.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < r.size(); ++i)
      line += i + 1 == r.size() ? r[i] : pad(r[i], widths[i] + 2);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(std::move(line));
  }
  return out;
}

constexpr std::size_t kLabel = 11;  // width of the label column ("positions  ")
std::string label(std::string_view l) {
  return pad(std::string(l), kLabel);
}
constexpr std::string_view kIndent = "           ";
static_assert(kIndent.size() == kLabel);

std::string warm_up_text(const SymbolStatus& s) {
  if (s.warm_needed == 0) return "-";
  return std::to_string(std::min(s.warm_candles, s.warm_needed)) + '/' +
         std::to_string(s.warm_needed) + " candles";
}

std::string position_text(const PositionStatus& p) {
  return p.symbol + ' ' + std::string(to_string(p.venue)) + " qty " + p.quantity.to_string() +
         " entry " + p.average_entry.to_string() + " mark " +
         (p.mark ? p.mark->to_string() : std::string("-"));
}

json::string dec(Decimal d) {
  return json::string(d.to_string());
}

json::value symbol_json(const SymbolStatus& s) {
  json::object o;
  o["symbol"] = s.symbol;
  o["reference"] = s.reference ? json::value(dec(*s.reference)) : json::value(nullptr);
  o["fresh"] = s.fresh;
  o["venues"] = s.venues;
  o["warm_candles"] = s.warm_candles;
  o["warm_needed"] = s.warm_needed;
  o["last_signal"] = s.last_signal;
  return o;
}

json::value position_json(const PositionStatus& p) {
  json::object o;
  o["symbol"] = p.symbol;
  o["venue"] = std::string(to_string(p.venue));
  o["quantity"] = dec(p.quantity);
  o["average_entry"] = dec(p.average_entry);
  o["mark"] = p.mark ? json::value(dec(*p.mark)) : json::value(nullptr);
  o["realized_pnl"] = dec(p.realized_pnl);
  o["unrealized_pnl"] = dec(p.unrealized_pnl);
  o["fees"] = dec(p.fees);
  return o;
}

json::value order_json(const OpenOrderStatus& o) {
  json::object j;
  j["client_order_id"] = o.client_order_id;
  j["venue"] = std::string(to_string(o.venue));
  j["symbol"] = o.symbol;
  j["description"] = o.description;
  return j;
}

json::array positions_json(const PortfolioStatus& p) {
  json::array out;
  for (const auto& position : p.positions) out.push_back(position_json(position));
  return out;
}

json::array open_orders_json(const ExecutionStatus& ex) {
  json::array out;
  for (const auto& order : ex.open_orders) out.push_back(order_json(order));
  return out;
}

// The order counters, under the same names in the status and the summary.
void put_order_counts(json::object& o, const ExecutionStatus& ex) {
  o["signals"] = ex.signals;
  o["orders_sent"] = ex.orders_sent;
  o["orders_refused"] = ex.orders_refused;
  o["exits_sent"] = ex.exits_sent;
  o["unknown_outcomes"] = ex.unknown_outcomes;
}

// Cash, equity, PnL, fees and fills, under the same names in the status and the summary.
void put_account(json::object& o, const PortfolioStatus& pf, const std::string& currency) {
  o["currency"] = currency;
  o["cash"] = dec(pf.cash);
  o["equity"] = dec(pf.equity);
  o["realized_pnl"] = dec(pf.realized_pnl);
  o["unrealized_pnl"] = dec(pf.unrealized_pnl);
  o["fees"] = dec(pf.fees);
  o["fills"] = pf.fills;
}

// Equity minus the start, and that as a percentage of the start ("" when the start is 0).
std::pair<Decimal, std::string> equity_change(Decimal equity, Decimal start) {
  const Decimal change = equity - start;
  if (start.is_zero()) return {change, ""};
  auto pct = change.checked_mul_div(Decimal::from_integer(100), start, RoundingMode::nearest);
  if (!pct) return {change, ""};
  auto r = pct->round_to_decimals(4, RoundingMode::nearest);
  if (!r) return {change, ""};
  return {change, std::string(r->is_negative() ? "" : "+") + r->to_string() + '%'};
}

std::size_t open_positions(const PortfolioStatus& p) {
  return static_cast<std::size_t>(std::count_if(
      p.positions.begin(), p.positions.end(), [](const auto& x) { return !x.quantity.is_zero(); }));
}

}  // namespace

std::vector<std::string> StatusView::block(const ServerStatus& s) const {
  std::vector<std::string> out;
  const std::string& ccy = options_.quote_currency;
  out.push_back("nzeza " + s.mode + " · " + s.at.floor_to(std::chrono::seconds(1)).to_iso8601());

  // Feeds.
  if (s.feeds.empty()) {
    out.push_back(label("feeds") + "none");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : s.feeds)
      rows.push_back({f.venue, f.state,
                      f.has_event ? "last event " + seconds_text(f.age) + " ago" : "no event yet"});
    auto lines = table(rows, kIndent);
    lines.front().replace(0, kLabel, label("feeds"));
    out.insert(out.end(), lines.begin(), lines.end());
  }

  // Symbols.
  if (s.symbols.empty()) {
    out.push_back(label("symbols") + "none");
  } else {
    std::vector<std::vector<std::string>> rows{
        {"symbol", "reference", "fresh", "warm-up", "last signal"}};
    for (const auto& sym : s.symbols)
      rows.push_back({sym.symbol, sym.reference ? sym.reference->to_string() : "-",
                      sym.fresh ? "yes" : "no", warm_up_text(sym),
                      sym.last_signal.empty() ? "-" : sym.last_signal});
    auto lines = table(rows, kIndent);
    lines.front().replace(0, kLabel, label("symbols"));
    out.insert(out.end(), lines.begin(), lines.end());
  }

  // Open orders.
  const auto& ex = s.execution;
  if (ex.open_orders.empty()) {
    out.push_back(label("orders") + "none open");
  } else {
    out.push_back(label("orders") + std::to_string(ex.open_orders.size()) + " open");
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : ex.open_orders)
      rows.push_back(
          {"#" + o.client_order_id, std::string(to_string(o.venue)), o.symbol, o.description});
    auto lines = table(rows, kIndent);
    out.insert(out.end(), lines.begin(), lines.end());
  }

  // Positions (flat ones with realised PnL stay listed: the trader sees what each symbol made).
  const auto& pf = s.portfolio;
  if (pf.positions.empty()) {
    out.push_back(label("positions") + "none");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pf.positions)
      rows.push_back(
          {p.symbol, std::string(to_string(p.venue)), "qty " + p.quantity.to_string(),
           "entry " + (p.quantity.is_zero() ? std::string("-") : p.average_entry.to_string()),
           "mark " + (p.mark ? p.mark->to_string() : std::string("-")),
           "unrealised " + money(p.unrealized_pnl), "realised " + money(p.realized_pnl),
           "fees " + money(p.fees)});
    auto lines = table(rows, kIndent);
    lines.front().replace(0, kLabel, label("positions"));
    out.insert(out.end(), lines.begin(), lines.end());
  }

  out.push_back(label("account") + "cash " + money(pf.cash) + ' ' + ccy + "  equity " +
                money(pf.equity) + ' ' + ccy + "  PnL realised " + money(pf.realized_pnl) +
                "  unrealised " + money(pf.unrealized_pnl) + "  fees " + money(pf.fees));
  out.push_back(label("activity") + "signals " + std::to_string(ex.signals) + "  orders sent " +
                std::to_string(ex.orders_sent) + "  refused " + std::to_string(ex.orders_refused) +
                "  exits " + std::to_string(ex.exits_sent) + "  fills " + std::to_string(pf.fills) +
                "  unknown outcomes " + std::to_string(ex.unknown_outcomes));

  if (ex.refusals.empty()) {
    out.push_back(label("refusals") + "none");
  } else {
    std::string line = label("refusals");
    for (std::size_t i = 0; i < ex.refusals.size(); ++i) {
      if (i > 0) line += ", ";
      line += ex.refusals[i].first + " ×" + std::to_string(ex.refusals[i].second);
    }
    out.push_back(std::move(line));
  }

  std::string health = label("health") + "restarts " + std::to_string(s.restarts) +
                       "  dead letters " + std::to_string(s.dead_letters);
  if (ex.kill_switch) health += "  KILL SWITCH ENGAGED";
  if (ex.halted) health += "  RISK HALT: no new entries";
  if (ex.stopping) health += "  stopping";
  out.push_back(std::move(health));
  // A symbol the reconciliation blocked waits for the operator (`nzeza reconcile`).
  for (const auto& [symbol, why] : ex.blocked)
    out.push_back(label("BLOCKED") + symbol + ": " + why + " (nzeza reconcile)");
  return out;
}

std::string StatusView::status_json(const ServerStatus& s) const {
  json::object o;
  o["kind"] = "status";
  o["at"] = s.at.to_iso8601();
  o["mode"] = s.mode;
  json::array feeds;
  for (const auto& f : s.feeds) {
    json::object j;
    j["venue"] = f.venue;
    j["state"] = f.state;
    if (f.has_event)
      j["age_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(f.age).count();
    feeds.push_back(std::move(j));
  }
  o["feeds"] = std::move(feeds);
  json::array symbols;
  for (const auto& sym : s.symbols) symbols.push_back(symbol_json(sym));
  o["symbols"] = std::move(symbols);

  const auto& ex = s.execution;
  json::object exj;
  put_order_counts(exj, ex);
  exj["kill_switch"] = ex.kill_switch;
  exj["halted"] = ex.halted;
  exj["stopping"] = ex.stopping;
  exj["reconciliations"] = ex.reconciliations;
  json::object blocked;
  for (const auto& [symbol, why] : ex.blocked) blocked[symbol] = why;
  exj["blocked"] = std::move(blocked);
  o["execution"] = std::move(exj);
  o["open_orders"] = open_orders_json(ex);
  json::object refusals;
  for (const auto& [reason, n] : ex.refusals) refusals[reason] = n;
  o["refusals"] = std::move(refusals);

  const auto& pf = s.portfolio;
  json::object pj;
  put_account(pj, pf, options_.quote_currency);
  pj["duplicate_fills"] = pf.duplicate_fills;
  pj["positions"] = positions_json(pf);
  o["portfolio"] = std::move(pj);
  o["restarts"] = s.restarts;
  o["dead_letters"] = s.dead_letters;
  return json::serialize(o);
}

std::string StatusView::event_line(const TradeEvent& e) {
  return e.at.floor_to(std::chrono::milliseconds(1)).to_iso8601() + ' ' + e.kind + ' ' + e.text;
}

std::string StatusView::event_json(const TradeEvent& e) {
  json::object o;
  o["kind"] = e.kind;
  o["at"] = e.at.to_iso8601();
  o["text"] = e.text;
  for (const auto& [key, value] : e.fields) {
    const bool reserved = key == "kind" || key == "at" || key == "text";
    o[reserved ? "field_" + key : key] = value;
  }
  return json::serialize(o);
}

std::vector<std::string> StatusView::summary(const ServerStatus& s, Duration ran) const {
  const std::string& ccy = options_.quote_currency;
  const auto& ex = s.execution;
  const auto& pf = s.portfolio;
  std::vector<std::string> out;
  out.push_back("summary: ran " + seconds_text(ran) + "; " + std::to_string(ex.signals) +
                " signals, " + std::to_string(ex.orders_sent) + " orders sent (" +
                std::to_string(ex.orders_refused) + " refused, " + std::to_string(ex.exits_sent) +
                " exits, " + std::to_string(ex.unknown_outcomes) + " unknown outcomes), " +
                std::to_string(pf.fills) + " fills");
  out.push_back("summary: PnL realised " + money(pf.realized_pnl) + ' ' + ccy + ", unrealised " +
                money(pf.unrealized_pnl) + ' ' + ccy + ", fees " + money(pf.fees) + ' ' + ccy);
  const auto [change, pct] = equity_change(pf.equity, options_.starting_equity);
  out.push_back("summary: equity " + money(pf.equity) + ' ' + ccy + " vs " +
                money(options_.starting_equity) + ' ' + ccy + " at start (" + signed_money(change) +
                ' ' + ccy + (pct.empty() ? "" : ", " + pct) + ')');
  std::string positions;
  for (const auto& p : pf.positions) {
    if (p.quantity.is_zero()) continue;
    positions += (positions.empty() ? "" : "; ") + position_text(p);
  }
  out.push_back("summary: open positions: " + (positions.empty() ? "none" : positions));
  std::string orders;
  for (const auto& o : ex.open_orders)
    orders += (orders.empty() ? "" : "; ") +
              ("#" + o.client_order_id + ' ' + std::string(to_string(o.venue)) + ' ' + o.symbol +
               ' ' + o.description);
  out.push_back("summary: open orders: " + (orders.empty() ? "none" : orders));
  if (s.restarts > 0 || s.dead_letters > 0)
    out.push_back("summary: restarts " + std::to_string(s.restarts) + ", dead letters " +
                  std::to_string(s.dead_letters));
  return out;
}

std::string StatusView::summary_json(const ServerStatus& s, Duration ran) const {
  const auto& ex = s.execution;
  const auto& pf = s.portfolio;
  json::object o;
  o["kind"] = "summary";
  o["at"] = s.at.to_iso8601();
  o["ran_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(ran).count();
  put_order_counts(o, ex);
  put_account(o, pf, options_.quote_currency);
  o["starting_equity"] = dec(options_.starting_equity);
  o["equity_change"] = dec(pf.equity - options_.starting_equity);
  o["open_positions"] = open_positions(pf);
  o["positions"] = positions_json(pf);
  o["open_orders"] = open_orders_json(ex);
  o["restarts"] = s.restarts;
  o["dead_letters"] = s.dead_letters;
  return json::serialize(o);
}

}  // namespace nzeza::app
