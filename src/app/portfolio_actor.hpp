#pragma once
// PortfolioActor: the account as the fills made it — positions per instrument (average entry,
// realised PnL with fees), cash in the account currency, marks from the reference prices,
// unrealised PnL and equity — and the AccountUpdate the risk gate reads.
//
// Fills arrive from the execution actor (each venue fill once: it deduplicates by trade id
// first); this actor deduplicates again with its own ledger, so a fill it is told twice (a
// resync after a restart) never counts twice. Cash: starting cash, minus what spot buys cost,
// plus what spot sells bring, plus realised PnL on perpetuals, minus every fee. Quote currencies
// are taken as one account currency (USD, USDT and USDC at par): the paper venue has one; a live
// multi-currency account is reported per venue by the venues themselves (reconciliation, later).
//
// State in PortfolioState, owned by the server, so a restart keeps it; after a restart the actor
// asks every venue for its fills since the session started (each applied once).
// AccountUpdate goes out after every fill and at most once per `update_every` on marks.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor/actor.hpp"
#include "app/pipeline_messages.hpp"
#include "domain/fill_ledger.hpp"
#include "domain/position.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {

struct PortfolioState {
  domain::FillLedger ledger;
  struct Slot {
    std::optional<domain::Position> position;
    SymbolId symbol;
    std::string canonical;
    Decimal fees;
  };
  std::map<std::uint32_t, Slot> slots;     // by InstrumentId
  std::map<std::uint32_t, Decimal> marks;  // by SymbolId
  Decimal starting_cash;
  Decimal cash;
  Decimal day_start_equity;
  Timestamp day;
  Timestamp session_start;
  Timestamp last_update;
  std::uint64_t starts = 0;
  std::uint64_t fills = 0;
  std::uint64_t duplicates = 0;
};

class PortfolioActor {
 public:
  using Messages = actor::Messages<VenueFillMsg, ReferenceMark, PortfolioStatusQuery>;
  using Self = actor::RefTo<Messages>;

  struct Deps {
    const InstrumentRegistry* registry = nullptr;
    PortfolioState* state = nullptr;
    // Weak, as Execution::Deps::self: the owner keeps the holder and never empties it.
    std::weak_ptr<Self> self;
    std::function<void(const AccountUpdate&)> to_execution;
    std::vector<venues::VenueClient*> clients;  // asked for fills after a restart
    Decimal leverage = Decimal::one();          // of perpetual positions
    Duration update_every = std::chrono::seconds(1);
    std::function<void(std::string_view message)> fault;  // tests: throwing crashes the actor
  };

  static std::unique_ptr<PortfolioState> make_state(Decimal starting_cash, Timestamp now);

  explicit PortfolioActor(Deps deps) : deps_(std::move(deps)) {}
  void on_start(actor::ActorContext& ctx);
  void on(VenueFillMsg& m, actor::ActorContext& ctx);
  void on(ReferenceMark& m, actor::ActorContext& ctx);
  PortfolioStatus on(PortfolioStatusQuery& q, actor::ActorContext& ctx);

  // Applies one fill to `s`, counted once (its ledger): applied, duplicate (nothing changes), or
  // the error that kept it out (invalid fill, instrument not loaded, position refused it). The
  // actor and the start-up recovery (seed_portfolio) both apply fills through this.
  static Result<domain::FillOutcome> apply_fill(PortfolioState& s,
                                                const InstrumentRegistry& registry,
                                                Decimal leverage, const domain::Fill& fill);

  // Equity = cash + spot holdings at their marks + unrealised PnL of perpetuals.
  [[nodiscard]] static PortfolioStatus snapshot(const PortfolioState& s,
                                                const InstrumentRegistry& registry);

 private:
  PortfolioState& st() { return *deps_.state; }
  void publish(Timestamp now);

  Deps deps_;
};

}  // namespace nzeza::app
