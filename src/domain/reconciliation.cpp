#include "domain/reconciliation.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {

std::string str(std::string_view s) {
  return std::string(s);
}

class Classifier {
 public:
  Classifier(const ReconciliationContext& ctx, ReconciliationResult& out) : ctx_(ctx), out_(out) {}

  void add(Discrepancy d) {
    d.blocks_trading = d.severity >= Severity::major;
    out_.worst = std::max(out_.worst, d.severity);
    if (d.blocks_trading) out_.trading_allowed = false;
    out_.discrepancies.push_back(std::move(d));
  }

  // One item found on one side only, or differing: its quantities on each side (zero on a side
  // that does not have it) and their difference, venue − local.
  void item(Subject subject, DiscrepancyKind kind, Severity severity, std::string key,
            Decimal local, Decimal venue, std::string detail) {
    Discrepancy d;
    d.subject = subject;
    d.kind = kind;
    d.severity = severity;
    d.key = std::move(key);
    d.local = local;
    d.venue = venue;
    d.difference = venue - local;
    d.detail = std::move(detail);
    add(std::move(d));
  }

  void report_missing(Subject subject, std::string detail) {
    item(subject, DiscrepancyKind::report_missing,
         subject == Subject::fill ? Severity::major : Severity::critical, str(to_string(subject)),
         Decimal::zero(), Decimal::zero(), std::move(detail));
  }

  // A quantity compared on both sides; `price` values one unit in `quote`. Missing entries are
  // zero on their side and at least major.
  void quantity(Subject subject, std::string key, Decimal local, Decimal venue,
                std::optional<Decimal> price, std::string quote, bool local_present,
                bool venue_present) {
    const Decimal diff = venue - local;
    if (diff.is_zero()) return;
    const Decimal abs_diff = diff.abs();
    Discrepancy d;
    d.subject = subject;
    d.key = std::move(key);
    d.local = local;
    d.venue = venue;
    d.difference = diff;
    if (venue.is_zero()) {
      d.relative_percent = Decimal::from_integer(100);
    } else {
      auto pct = abs_diff.checked_mul_div(Decimal::from_integer(100), venue.abs(),
                                          RoundingMode::nearest_even);
      if (pct) d.relative_percent = *pct;
    }
    if (price) {
      auto v = abs_diff.checked_mul(*price);
      if (v) {
        d.quote_value = *v;
        d.quote_currency = std::move(quote);
      }
    }
    if (!local_present) {
      d.kind = DiscrepancyKind::missing_locally;
    } else if (!venue_present) {
      d.kind = DiscrepancyKind::missing_at_venue;
    } else if (abs_diff <= ctx_.config.precision_tolerance) {
      d.kind = DiscrepancyKind::precision_only;
    } else {
      d.kind = DiscrepancyKind::mismatch;
    }
    if (d.kind == DiscrepancyKind::precision_only) {
      d.severity = Severity::info;
    } else if (d.quote_value) {
      d.severity = *d.quote_value >= ctx_.config.critical_value ? Severity::critical
                   : *d.quote_value >= ctx_.config.major_value  ? Severity::major
                                                                : Severity::minor;
    } else {
      const Decimal pct = d.relative_percent.value_or(Decimal::from_integer(100));
      d.severity = pct >= ctx_.config.critical_percent ? Severity::critical
                   : pct >= ctx_.config.major_percent  ? Severity::major
                                                       : Severity::minor;
    }
    // Something one side does not have at all is never just minor, unless it is dust.
    if ((d.kind == DiscrepancyKind::missing_locally ||
         d.kind == DiscrepancyKind::missing_at_venue) &&
        abs_diff > ctx_.config.precision_tolerance) {
      d.severity = std::max(d.severity, Severity::major);
    }
    d.detail = str(to_string(subject)) + " " + d.key + ": local " + local.to_string() + ", venue " +
               venue.to_string();
    add(std::move(d));
  }

 private:
  const ReconciliationContext& ctx_;
  ReconciliationResult& out_;
};

void reconcile_orders(const LocalState& local, const std::vector<OrderSnapshot>& venue_orders,
                      const ReconciliationContext& ctx, Classifier& c) {
  std::map<std::string, const OrderSnapshot*> ours;
  for (const auto& o : local.open_orders) ours[o.client_order_id] = &o;
  std::map<std::string, bool> seen;
  for (const auto& v : venue_orders) {
    auto it = ours.find(v.client_order_id);
    if (it == ours.end()) {
      const bool is_ours =
          !v.client_order_id.empty() && (!ctx.is_ours || ctx.is_ours(v.client_order_id));
      std::string key = v.client_order_id.empty() ? v.venue_order_id : v.client_order_id;
      if (is_ours) {
        std::string detail =
            "open order " + key + " carries our client id but is not in the journal";
        c.item(Subject::order, DiscrepancyKind::missing_locally, Severity::critical, std::move(key),
               Decimal::zero(), v.quantity, std::move(detail));
      } else {
        std::string detail = "external order " + key + " (" + str(to_string(v.side)) + " " +
                             v.quantity.to_string() + "): reported, not adopted, not cancelled";
        c.item(Subject::order, DiscrepancyKind::external_order, Severity::minor, std::move(key),
               Decimal::zero(), v.quantity, std::move(detail));
      }
      continue;
    }
    seen[v.client_order_id] = true;
    const OrderSnapshot& l = *it->second;
    if (l.quantity != v.quantity) {
      c.quantity(Subject::order, l.client_order_id + " quantity", l.quantity, v.quantity,
                 std::nullopt, "", true, true);
    }
    if (l.filled != v.filled) {
      c.quantity(Subject::order, l.client_order_id, l.filled, v.filled, std::nullopt, "", true,
                 true);
    }
  }
  for (const auto& l : local.open_orders) {
    if (seen.contains(l.client_order_id)) continue;
    const bool unknown =
        l.local_state == OrderState::unknown || l.local_state == OrderState::submitted;
    c.item(Subject::order, DiscrepancyKind::missing_at_venue,
           unknown ? Severity::critical : Severity::major, l.client_order_id, l.quantity - l.filled,
           Decimal::zero(),
           "order " + l.client_order_id + " (" +
               (l.local_state ? str(to_string(*l.local_state)) : std::string("open")) +
               " locally) is not open at the venue: query its status before trading");
  }
}

void reconcile_fills(const LocalState& local, const std::vector<Fill>& venue_fills, Classifier& c) {
  std::map<std::string, const Fill*> ours;
  for (const auto& f : local.fills)
    ours[std::to_string(f.instrument.value) + "|" + f.trade_id] = &f;
  std::map<std::string, bool> seen;
  for (const auto& v : venue_fills) {
    const std::string key = std::to_string(v.instrument.value) + "|" + v.trade_id;
    auto it = ours.find(key);
    if (it == ours.end()) {
      c.item(Subject::fill, DiscrepancyKind::missing_locally, Severity::major, v.trade_id,
             Decimal::zero(), v.quantity,
             "fill " + v.trade_id + " (" + str(to_string(v.side)) + " " + v.quantity.to_string() +
                 " at " + v.price.to_string() + ") was never applied locally");
      continue;
    }
    seen[key] = true;
    const Fill& l = *it->second;
    if (!same_economics(l, v)) {
      c.item(Subject::fill, DiscrepancyKind::mismatch, Severity::critical, v.trade_id, l.quantity,
             v.quantity,
             "fill " + v.trade_id + " differs: local " + l.quantity.to_string() + " at " +
                 l.price.to_string() + ", venue " + v.quantity.to_string() + " at " +
                 v.price.to_string());
    }
  }
  for (const auto& l : local.fills) {
    if (seen.contains(std::to_string(l.instrument.value) + "|" + l.trade_id)) continue;
    c.item(Subject::fill, DiscrepancyKind::missing_at_venue, Severity::critical, l.trade_id,
           l.quantity, Decimal::zero(), "local fill " + l.trade_id + " is unknown to the venue");
  }
}

void reconcile_positions(const LocalState& local,
                         const std::vector<PositionSnapshot>& venue_positions,
                         const ReconciliationContext& ctx, Classifier& c) {
  struct Pair {
    std::optional<Decimal> local, venue;
    std::string quote;
    InstrumentId instrument;
  };
  std::map<std::uint32_t, Pair> all;
  for (const auto& p : local.positions) {
    auto& e = all[p.instrument.value];
    e.local = e.local.value_or(Decimal::zero()) + p.quantity;
    e.quote = p.quote;
    e.instrument = p.instrument;
  }
  for (const auto& p : venue_positions) {
    auto& e = all[p.instrument.value];
    e.venue = e.venue.value_or(Decimal::zero()) + p.quantity;
    if (e.quote.empty()) e.quote = p.quote;
    e.instrument = p.instrument;
  }
  for (const auto& [id, e] : all) {
    const Decimal l = e.local.value_or(Decimal::zero());
    const Decimal v = e.venue.value_or(Decimal::zero());
    std::optional<Decimal> mark;
    if (ctx.marks) mark = ctx.marks->get(e.instrument);
    c.quantity(Subject::position, "instrument " + std::to_string(id), l, v, mark, e.quote,
               e.local.has_value() && !l.is_zero(), e.venue.has_value() && !v.is_zero());
  }
}

void reconcile_balances(const LocalState& local, const std::vector<BalanceSnapshot>& venue_balances,
                        const ReconciliationContext& ctx, Classifier& c) {
  std::map<std::string, std::pair<std::optional<Decimal>, std::optional<Decimal>>> all;
  for (const auto& b : local.balances) {
    auto& e = all[b.currency].first;
    e = e.value_or(Decimal::zero()) + b.total;
  }
  for (const auto& b : venue_balances) {
    auto& e = all[b.currency].second;
    e = e.value_or(Decimal::zero()) + b.total;
  }
  for (const auto& [currency, e] : all) {
    const Decimal l = e.first.value_or(Decimal::zero());
    const Decimal v = e.second.value_or(Decimal::zero());
    std::optional<Decimal> price;
    if (ctx.prices) price = ctx.prices->price(currency, ctx.config.quote_currency);
    c.quantity(Subject::balance, currency, l, v, price, ctx.config.quote_currency,
               e.first.has_value() && !l.is_zero(), e.second.has_value() && !v.is_zero());
  }
}

Status check_inputs(const LocalState& local, const VenueReport& report) {
  if (local.venue != report.venue) {
    return fail(ErrorCode::invalid_argument, "reconcile: local state is for " +
                                                 str(to_string(local.venue)) + ", report for " +
                                                 str(to_string(report.venue)));
  }
  const auto bad_balance = [](const std::vector<BalanceSnapshot>& v) {
    return std::any_of(v.begin(), v.end(), [](const BalanceSnapshot& b) {
      return b.currency.empty() || b.total.is_negative();
    });
  };
  if (bad_balance(local.balances) || (report.balances && bad_balance(*report.balances))) {
    return fail(ErrorCode::invalid_argument,
                "reconcile: balance with empty currency or negative total");
  }
  if (report.fills) {
    for (const auto& f : *report.fills) {
      if (auto s = validate(f); !s) return s.error().with_context("reconcile: venue fill");
    }
  }
  return {};
}

}  // namespace

LocalState capture_local_state(Venue venue, std::span<const Order> orders,
                               const Portfolio& portfolio, Timestamp fills_since) {
  LocalState s;
  s.venue = venue;
  for (const Order& o : orders) {
    if (o.spec().venue != venue || !may_trade(o.state())) continue;
    s.open_orders.push_back(OrderSnapshot{o.client_order_id(), o.venue_order_id(),
                                          o.spec().instrument, o.spec().side, o.spec().quantity,
                                          o.filled_quantity(), o.state()});
  }
  for (const Fill& f : portfolio.ledger().fills()) {
    if (f.venue == venue && f.time >= fills_since) s.fills.push_back(f);
  }
  for (const auto& [key, p] : portfolio.positions()) {
    if (key.venue != venue) continue;
    s.positions.push_back(PositionSnapshot{p.instrument(), p.quantity(), p.quote()});
  }
  for (const auto& [key, b] : portfolio.balances()) {
    if (key.venue == venue) s.balances.push_back(BalanceSnapshot{b.currency(), b.total()});
  }
  return s;
}

constexpr EnumNames kSeverityNames{
    Severity::critical, {"ok", "info", "minor", "major", "critical"}, "invalid"};

std::string_view to_string(Severity s) noexcept {
  return kSeverityNames.name(s);
}

constexpr EnumNames kDiscrepancyKindNames{DiscrepancyKind::report_missing,
                                          {"missing_locally", "missing_at_venue", "mismatch",
                                           "precision_only", "external_order", "report_missing"},
                                          "invalid"};

std::string_view to_string(DiscrepancyKind k) noexcept {
  return kDiscrepancyKindNames.name(k);
}

constexpr EnumNames kSubjectNames{
    Subject::balance, {"order", "fill", "position", "balance"}, "invalid"};

std::string_view to_string(Subject s) noexcept {
  return kSubjectNames.name(s);
}

std::size_t ReconciliationResult::count(DiscrepancyKind kind) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(discrepancies.begin(), discrepancies.end(),
                    [&](const Discrepancy& d) { return d.kind == kind; }));
}

std::size_t ReconciliationResult::count(Subject subject, DiscrepancyKind kind) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(discrepancies.begin(), discrepancies.end(),
                    [&](const Discrepancy& d) { return d.subject == subject && d.kind == kind; }));
}

const Discrepancy* ReconciliationResult::find(Subject subject,
                                              std::string_view key) const noexcept {
  for (const auto& d : discrepancies) {
    if (d.subject == subject && d.key == key) return &d;
  }
  return nullptr;
}

Result<ReconciliationResult> reconcile(const LocalState& local, const VenueReport& report,
                                       const ReconciliationContext& context) {
  if (auto s = check_inputs(local, report); !s) return s.error();
  ReconciliationResult result;
  result.venue = report.venue;
  Classifier c(context, result);
  const std::string venue = str(to_string(report.venue));
  try {
    if (report.open_orders) {
      reconcile_orders(local, *report.open_orders, context, c);
    } else {
      c.report_missing(Subject::order, venue + " sent no open-orders report: open orders unknown");
    }
    if (report.fills) {
      reconcile_fills(local, *report.fills, c);
    } else {
      c.report_missing(Subject::fill, venue + " sent no fills report: fills unverified");
    }
    if (report.positions) {
      reconcile_positions(local, *report.positions, context, c);
    } else {
      c.report_missing(Subject::position,
                       venue + " sent no position report: positions unknown, not flat");
    }
    if (report.balances) {
      reconcile_balances(local, *report.balances, context, c);
    } else {
      c.report_missing(Subject::balance, venue + " sent no balance report: balances unknown");
    }
  } catch (const std::exception& e) {
    return fail(ErrorCode::overflow,
                "reconcile " + venue + ": figures out of range (" + e.what() + ")");
  }
  return result;
}

}  // namespace nzeza::domain
