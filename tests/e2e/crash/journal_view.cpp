#include "e2e/crash/journal_view.hpp"

#include <limits>
#include <system_error>

#ifdef NZEZA_HAVE_STORE
#include "store/journal.hpp"
#endif

namespace nzeza::e2e::crash {

Result<JournalView> read_journal(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return Error{ErrorCode::not_found, "journal " + file.string() + ": no such file"};
  }
#ifdef NZEZA_HAVE_STORE
  auto opened = store::Journal::open(file);
  if (!opened) return opened.error().with_context("journal " + file.string());
  store::Journal& journal = **opened;
  constexpr std::size_t kAll = std::numeric_limits<std::uint32_t>::max();
  const Timestamp epoch{};

  JournalView view;
  auto state = journal.load();
  if (!state) return state.error().with_context("journal load()");
  view.last_sequence = state->last_sequence;
  for (const auto& p : state->positions)
    view.positions.push_back(JournalPosition{p.venue, p.venue_symbol, p.quantity});

  auto orders = journal.orders_since(epoch, kAll);
  if (!orders) return orders.error().with_context("journal orders_since()");
  for (const auto& o : *orders) {
    JournalOrder j;
    j.sequence = o.intent.sequence;
    j.canonical = o.intent.canonical;
    j.purpose = o.intent.purpose;
    j.phase = std::string(store::to_string(o.phase));
    j.venue = o.venue;
    j.client_order_id = o.client_order_id;
    view.orders[j.sequence] = std::move(j);
  }

  auto fills = journal.fills_since(epoch, kAll);
  if (!fills) return fills.error().with_context("journal fills_since()");
  for (const auto& f : *fills) {
    JournalFill j;
    j.venue = f.fill.venue;
    j.venue_symbol = f.fill.venue_symbol;
    j.trade_id = f.fill.trade_id;
    j.client_order_id = f.fill.client_order_id;
    j.buy = f.fill.side == Side::buy;
    j.price = f.fill.price;
    j.quantity = f.fill.quantity;
    j.fee = f.fill.fee;
    j.fee_currency = f.fill.fee_currency;
    j.sequence = f.sequence;
    view.fills.push_back(std::move(j));
  }
  return view;
#else
  return Error{ErrorCode::unavailable,
               "journal " + file.string() +
                   ": this build has no store library (nzeza_store) to read it with"};
#endif
}

}  // namespace nzeza::e2e::crash
