#include "venues/venue_client.hpp"

#include "venues/venue_error.hpp"

namespace nzeza::venues {

// The defaults refuse before anything is sent, so they complete inside the call (allowed by
// the header for such refusals).
void VenueClient::amend(const AmendRequest& /*request*/, Callback<PlaceAck> done) {
  Completion<PlaceAck>(std::move(done)).complete(unsupported(venue(), "amend"));
}

void VenueClient::set_dead_man_switch(Duration /*timeout*/, Callback<Timestamp> done) {
  Completion<Timestamp>(std::move(done)).complete(unsupported(venue(), "dead-man switch"));
}

void VenueClient::positions(Callback<std::vector<VenuePosition>> done) {
  Completion<std::vector<VenuePosition>>(std::move(done)).complete(std::vector<VenuePosition>{});
}

void VenueClient::candles(InstrumentId /*instrument*/, Duration /*interval*/, std::size_t /*count*/,
                          Callback<std::vector<market::Candle>> done) {
  Completion<std::vector<market::Candle>>(std::move(done))
      .complete(unsupported(venue(), "candle history"));
}

}  // namespace nzeza::venues
