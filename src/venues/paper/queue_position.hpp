#pragma once
// QueuePosition: where a resting paper order stands in its price level's queue, estimated from
// an L2 (market-by-price) book that shows only the total size at each price.
//
// At rest the order joins the back: `ahead` is the level's displayed size then. It moves up
//  - by trades printed at its price (each trade's size, as it reaches the level), and
//  - by cancels: a level that shrinks by more than the trades since its last change lost that
//    excess to cancels, placed by the QueueCancels model:
//      pro_rata   spread evenly over the level: ahead shrinks by excess x ahead / previous size
//                 (hftbacktest's ProbQueueModel with the identity function);
//      from_back  all behind us: ahead shrinks only by trades (hftbacktest's risk-averse model).
//    Either way ahead never exceeds the level's size (a level that vanishes leaves nothing
//    ahead). Sizes added to a level join behind the order.
// Reductions round down (the order never advances faster than the model says).

#include "core/decimal.hpp"

namespace nzeza::venues::paper {

enum class QueueCancels : std::uint8_t { pro_rata, from_back };

struct QueuePosition {
  Decimal ahead;   // displayed size ahead of the order
  Decimal traded;  // traded at the level since the level's last size change

  // `volume` traded at the level and reached the displayed size ahead of us; `printed` is the
  // trade's size as the feed will later take it off the level.
  void on_trade(Decimal volume, Decimal printed) noexcept {
    ahead = volume >= ahead ? Decimal::zero() : ahead - volume;
    traded += printed;
  }

  // The level changed from `previous` to `next` (both displayed sizes, >= 0).
  void on_level_change(Decimal previous, Decimal next, QueueCancels model) noexcept {
    // Only a level that shrank by more than its trades lost size to cancels (compared before
    // subtracting: most changes grow a level or only take its trades off).
    if (model == QueueCancels::pro_rata && previous > next && ahead.is_positive()) {
      const Decimal cancelled = previous - next - traded;
      if (cancelled.is_positive()) {
        auto share = ahead.checked_mul_div(cancelled, previous, RoundingMode::down);
        if (share) ahead = *share >= ahead ? Decimal::zero() : ahead - *share;
      }
    }
    traded = Decimal::zero();
    if (ahead > next) ahead = next;
  }

  // A new snapshot: nothing is known beyond the level's size now.
  void on_snapshot(Decimal size) noexcept {
    traded = Decimal::zero();
    if (ahead > size) ahead = size;
  }
};

}  // namespace nzeza::venues::paper
