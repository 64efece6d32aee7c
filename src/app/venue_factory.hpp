#pragma once
// One entry point that builds the live VenueClient of any venue (each venue's own factory in
// src/venues/<venue>/factory.hpp), for `nzeza order` and the server.

#include <memory>

#include "core/result.hpp"
#include "core/venue.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {

// invalid_argument for a venue without a live client (paper, generic) and for one whose client
// is not built into this binary (the error says which).
[[nodiscard]] Result<std::unique_ptr<venues::VenueClient>> make_venue_client(
    Venue venue, const venues::ClientOptions& options, const venues::ClientDeps& deps);

}  // namespace nzeza::app
