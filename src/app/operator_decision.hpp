#pragma once
// The operator's decision for a symbol the start-up reconciliation blocked (`nzeza reconcile
// --accept SYMBOL`): the venues' state is adopted as nzeza's, and the adoption is journaled so
// that the next reconciliation finds the journal explaining the venue and blocks nothing.
//
// What is adopted, per venue that lists the symbol (each venue is asked again, now):
//   position    perpetual: the venue's position minus what the journal's fills make is journaled
//               as one adjustment fill (FillRecord, trade id "adjust-<ns>-<venue>", sequence 0:
//               no order of ours, no fee) at the venue's entry price (else the journal's average
//               entry). The recovery reads it as any journal fill, so its position check, the
//               seeded execution book and the portfolio all see the venue's position.
//               spot: only a shortfall (the venue holds less base than the fills bought; more is
//               never nzeza's) is adopted, as a sell at the journal's average entry (no invented
//               profit or loss).
//   orders      a journal order of the symbol left unresolved is closed (phase done, the detail
//               says the operator decided). Safe: should it rest at the venue after all, the next
//               reconciliation sees an open order carrying our client id that the journal does not
//               hold as live, and blocks the symbol again; its fills are applied as missed fills.
// Every change is one AuditRecord of kind "operator" beside the record itself; all of it is
// flushed before the function returns. What cannot be adopted (a venue without a position report,
// no price to adopt a position at, a venue that does not answer) fails the whole decision and
// journals nothing: the symbol stays blocked.
//
// Threading: blocks the calling thread until each venue answered or `deadline` (real time)
// passed; `in.pump` runs meanwhile (a ManualClock's timers). Call it with no trading running (a
// reconcile-only server: TradingServer::accept_venue_state).

#include <string>
#include <string_view>
#include <vector>

#include "app/recovery.hpp"

namespace nzeza::app {

struct Acceptance {
  std::string canonical;
  std::vector<std::string> decisions;  // one human line per journaled change (empty: none needed)
};

// invalid_argument: no venue in use lists `canonical`; unavailable/timeout: a venue did not
// answer; invalid_state: the position cannot be adopted (see above). `in.venues_for` is unused.
[[nodiscard]] Result<Acceptance> accept_venue_state(const RecoveryInputs& in,
                                                    std::string_view canonical, Duration deadline);

}  // namespace nzeza::app
