#include "cli/reconcile_command.hpp"

#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "cli/config_file.hpp"
#include "core/clock.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"

namespace nzeza::cli {
namespace {

// nullopt: errors printed (exit 2).
std::optional<app::Config> load(const ReconcileOptions& opt) {
  const std::string path = config_path_or_default(opt.config_file);
  if (path.empty()) return app::Config{};
  return load_config_or_report(path, "; nothing reconciled");
}

// A finding the operator must act on, though it blocks nothing (a failed cancel, an instrument
// not loaded): major or worse.
bool needs_operator(const app::RecoveryReport& r) {
  if (!r.trading_allowed || !r.blocked.empty()) return true;
  for (const auto& v : r.venues)
    if (!v.trading_allowed() || v.worst() >= domain::Severity::major) return true;
  return false;
}

// A start that failed: when the reconciliation itself ran and a venue did not answer, it left its
// per-venue reports in the journal (exit 1: the venue is the operator's to look at); otherwise the
// configuration or the journal is at fault (exit 2).
int failed_start(const app::Config& config, const Error& error, Timestamp began, bool json) {
  std::vector<boost::json::value> venues;
  bool unanswered = false;
  if (auto journal = store::Journal::open(store::journal_path(config.data_dir))) {
    if (auto recs = (*journal)->reconciliations(64)) {
      for (const auto& r : *recs) {
        if (r.at < began) continue;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.report_json, ec);
        if (ec || !v.is_object()) continue;
        if (const auto* answered = v.as_object().if_contains("answered");
            answered != nullptr && answered->is_bool() && !answered->as_bool())
          unanswered = true;
        venues.push_back(std::move(v));
      }
    }
  }
  if (json) {
    boost::json::object o;
    o["trading_allowed"] = false;
    o["error"] = error.message;
    boost::json::array vs(venues.begin(), venues.end());
    o["venues"] = std::move(vs);
    std::cout << boost::json::serialize(o) << '\n';
  } else {
    std::cerr << "nzeza reconcile: cannot reconcile: " << error.message << '\n';
    for (const auto& v : venues) std::cout << "  " << boost::json::serialize(v) << '\n';
  }
  return unanswered ? 1 : 2;
}

void print(const app::RecoveryReport& report, const std::optional<app::Acceptance>& accepted,
           bool json) {
  if (json) {
    boost::json::value v = boost::json::parse(report.to_json());
    if (accepted) {
      boost::json::object a;
      a["symbol"] = accepted->canonical;
      boost::json::array d;
      for (const auto& line : accepted->decisions) d.emplace_back(line);
      a["decisions"] = std::move(d);
      v.as_object()["accepted"] = std::move(a);
    }
    std::cout << boost::json::serialize(v) << '\n';
    return;
  }
  if (accepted) {
    std::cout << "accepted " << accepted->canonical << " (journaled, audit kind \"operator\"):\n";
    if (accepted->decisions.empty())
      std::cout << "  nothing to adopt: the journal already explains the venues' positions and no "
                   "order of it is unresolved; what still blocks it (below) is settled at the "
                   "venue\n";
    for (const auto& line : accepted->decisions) std::cout << "  " << line << '\n';
    std::cout << "then reconciled again:\n";
  }
  std::cout << report.to_text() << std::flush;
}

using ServerPtr = std::unique_ptr<app::TradingServer>;

Result<ServerPtr> start(const app::Config& config, Clock& clock) {
  app::ServerOptions so;
  so.reconcile_only = true;
  so.feed = app::MarketFeed::in_process;
  so.simulate_market = false;
  so.warm_up_candles = 0;
  return app::TradingServer::start(config, clock, std::move(so));
}

}  // namespace

int run(const ReconcileOptions& opt) {
  auto config = load(opt);
  if (!config) return 2;
  if (!opt.data_dir.empty()) config->data_dir = opt.data_dir;
  SystemClock clock;

  Timestamp began = clock.now();
  auto server = start(*config, clock);
  if (!server) return failed_start(*config, server.error(), began, opt.json);

  std::optional<app::Acceptance> accepted;
  if (!opt.accept.empty()) {
    const app::RecoveryReport& first = (*server)->recovery_report();
    if (!first.blocked.contains(opt.accept)) {
      std::cerr << "nzeza reconcile: --accept " << opt.accept
                << ": the symbol is not blocked, nothing to decide\n";
      print(first, std::nullopt, opt.json);
      (void)(*server)->stop();
      return needs_operator(first) ? 1 : 0;
    }
    auto decided = (*server)->accept_venue_state(opt.accept);
    (void)(*server)->stop();
    server->reset();
    if (!decided) {
      std::cerr << "nzeza reconcile: --accept " << opt.accept
                << ": nothing journaled, the symbol stays blocked: " << decided.error().message
                << '\n';
      return decided.error().code == ErrorCode::invalid_argument ? 2 : 1;
    }
    accepted = std::move(*decided);
    // The decision is proven by the reconciliation it was meant for: run it again.
    began = clock.now();
    server = start(*config, clock);
    if (!server) return failed_start(*config, server.error(), began, opt.json);
  }
  const app::RecoveryReport report = (*server)->recovery_report();
  (void)(*server)->stop();
  print(report, accepted, opt.json);
  return needs_operator(report) ? 1 : 0;
}

}  // namespace nzeza::cli
