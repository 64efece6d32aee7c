#include "venues/precision_guard.hpp"

#include "venues/venue_error.hpp"

namespace nzeza::venues {
namespace {

std::string label(const Instrument& i) {
  return std::string(to_string(i.venue)) + " " + i.canonical;
}

Error refuse(const Instrument& i, std::string why) {
  return Error{ErrorCode::invalid_argument,
               "order refused locally for " + label(i) + ": " + std::move(why)};
}

bool needs_price(domain::OrderType t) {
  return t == domain::OrderType::limit || t == domain::OrderType::stop_limit;
}

}  // namespace

Result<PreparedOrder> prepare_order(const Instrument& instrument, const domain::OrderSpec& spec,
                                    std::optional<Decimal> reference_price) {
  if (spec.venue != instrument.venue || spec.instrument != instrument.id) {
    return Error{ErrorCode::invalid_argument, "order '" + spec.client_order_id.text +
                                                  "' is not for instrument " + label(instrument)};
  }
  if (!instrument.tradable()) {
    return Error{ErrorCode::unavailable, "order refused locally for " + label(instrument) +
                                             ": instrument status is " +
                                             std::string(to_string(instrument.status))};
  }
  PreparedOrder out{spec, {}};
  domain::OrderSpec& s = out.spec;

  if (needs_price(s.type)) {
    if (!s.price)
      return refuse(instrument, "a " + std::string(to_string(s.type)) + " order needs a price");
    const RoundingMode mode = s.side == Side::buy ? RoundingMode::down : RoundingMode::up;
    auto rounded = instrument.round_price(*s.price, mode);
    if (!rounded) return refuse(instrument, rounded.error().message);
    if (!rounded->is_positive()) {
      return refuse(instrument, "price " + s.price->to_string() + " rounds " +
                                    (mode == RoundingMode::down ? "down" : "up") + " to " +
                                    rounded->to_string());
    }
    if (*rounded != *s.price) {
      out.adjustments.push_back("price " + s.price->to_string() + " -> " + rounded->to_string() +
                                (mode == RoundingMode::down ? " (down: buy)" : " (up: sell)"));
      s.price = *rounded;
    }
  }
  if (s.stop_price) {
    auto rounded = instrument.round_price(*s.stop_price, RoundingMode::nearest);
    if (!rounded) return refuse(instrument, rounded.error().message);
    if (*rounded != *s.stop_price) {
      out.adjustments.push_back("trigger " + s.stop_price->to_string() + " -> " +
                                rounded->to_string() + " (nearest)");
      s.stop_price = *rounded;
    }
  }

  auto size = instrument.round_size(s.quantity, RoundingMode::down);
  if (!size) return refuse(instrument, size.error().message);
  if (size->is_zero()) {
    return refuse(instrument, "size " + s.quantity.to_string() + " rounds down to 0 on the lot " +
                                  instrument.lot_size.to_string());
  }
  if (*size != s.quantity) {
    out.adjustments.push_back("size " + s.quantity.to_string() + " -> " + size->to_string() +
                              " (down)");
  }
  const std::string size_text = *size == s.quantity ? size->to_string()
                                                    : size->to_string() + " (rounded down from " +
                                                          s.quantity.to_string() + ")";
  s.quantity = *size;
  if (s.quantity < instrument.min_size) {
    return refuse(instrument, "size " + size_text + " is below the minimum size " +
                                  instrument.min_size.to_string());
  }
  if (!instrument.max_size.is_zero() && s.quantity > instrument.max_size) {
    return refuse(instrument, "size " + size_text + " is above the maximum size " +
                                  instrument.max_size.to_string());
  }

  const std::optional<Decimal> notional_price = needs_price(s.type) ? s.price : reference_price;
  if (notional_price && instrument.min_notional.is_positive()) {
    auto notional = notional_price->checked_mul(s.quantity, RoundingMode::down);
    if (!notional) return refuse(instrument, notional.error().message);
    if (*notional < instrument.min_notional) {
      return refuse(instrument, "notional " + notional->to_string() + " (price " +
                                    notional_price->to_string() + " x size " +
                                    s.quantity.to_string() + ") is below the minimum notional " +
                                    instrument.min_notional.to_string());
    }
  }
  if (needs_price(s.type)) {
    // The instrument's own check is the final word (tick multiple, limits); after the rounding
    // above it only fails on inconsistent metadata.
    if (auto ok = instrument.check_order(*s.price, s.quantity); !ok) {
      return refuse(instrument, ok.error().message);
    }
  }
  return out;
}

PrecisionGuardedClient::PrecisionGuardedClient(VenueClient& inner,
                                               const InstrumentRegistry& registry,
                                               ReferencePrice reference_price)
    : ForwardingClient(inner), registry_(registry), reference_price_(std::move(reference_price)) {}

void PrecisionGuardedClient::place(const domain::OrderSpec& order, Callback<PlaceAck> done) {
  const Instrument* instrument = registry_.get(order.instrument);
  if (instrument == nullptr) {
    ++refused_;
    Completion<PlaceAck>(std::move(done))
        .complete(venue_error(ErrorCode::not_found, venue(), "place",
                              "order '" + order.client_order_id.text + "': unknown instrument id " +
                                  std::to_string(order.instrument.value)));
    return;
  }
  std::optional<Decimal> reference;
  if (order.type == domain::OrderType::market && reference_price_) {
    reference = reference_price_(order.instrument, order.side);
  }
  auto prepared = prepare_order(*instrument, order, reference);
  if (!prepared) {
    ++refused_;
    Completion<PlaceAck>(std::move(done)).complete(std::move(prepared).error());
    return;
  }
  inner_.place(prepared->spec, std::move(done));
}

void PrecisionGuardedClient::amend(const AmendRequest& request, Callback<PlaceAck> done) {
  const Instrument* instrument = registry_.get(request.order.instrument);
  if (instrument == nullptr) {
    inner_.amend(request, std::move(done));  // the venue answers for ids it knows
    return;
  }
  AmendRequest r = request;
  if (r.quantity) {
    auto q = instrument->round_size(*r.quantity, RoundingMode::down);
    if (!q || q->is_zero() || *q < instrument->min_size) {
      ++refused_;
      Completion<PlaceAck>(std::move(done))
          .complete(refuse(*instrument, "amended size " + r.quantity->to_string() +
                                            " is below the minimum size " +
                                            instrument->min_size.to_string()));
      return;
    }
    r.quantity = *q;
  }
  // The side is not in the request: a new price is rounded to the nearest valid price and the
  // venue checks it against the order; callers that care round with the side themselves.
  if (r.price) {
    auto p = instrument->round_price(*r.price, RoundingMode::nearest);
    if (!p) {
      ++refused_;
      Completion<PlaceAck>(std::move(done)).complete(refuse(*instrument, p.error().message));
      return;
    }
    r.price = *p;
  }
  inner_.amend(r, std::move(done));
}

}  // namespace nzeza::venues
