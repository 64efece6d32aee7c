#pragma once
// What the recovery tests share: the journal in a temp dir and recover() against one venue
// client fixture (VenueRecoveryFixture), and the execution actor spawned on a seeded state with
// the router, the order tracker and the unresolved orders' handover wired as the server wires
// them (SpawnedExecution).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actor/actor_system.hpp"
#include "app/execution.hpp"
#include "app/recovery.hpp"
#include "app/unresolved_orders.hpp"
#include "core/client_id.hpp"
#include "store/journal.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "venues/order_tracker.hpp"
#include "venues/router.hpp"
#include "venues/venue_health.hpp"

namespace nzeza::app::test {

// A venue client fixture (`Base`: registry_, clock_, client_) with a journal in a temp dir and
// recover() against that one client.
template <typename Base>
class VenueRecoveryFixture : public Base {
 protected:
  void SetUp() override {
    Base::SetUp();
    ASSERT_FALSE(dir_.path().empty());
    auto j = store::Journal::open(dir_.path() / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(*j);
  }

  void TearDown() override {
    journal_.reset();
    Base::TearDown();
  }

  Result<Recovered> recover_with(const ClientIdCodec& codec, Venue venue) {
    RecoveryInputs in;
    in.journal = journal_.get();
    in.registry = &this->registry_;
    in.codec = &codec;
    in.clients = {this->client_.get()};
    in.venues_for = [venue](std::string_view) { return std::vector<Venue>{venue}; };
    in.clock = &this->clock_;
    RecoveryOptions o;
    o.deadline = std::chrono::seconds(10);
    o.not_found_grace = std::chrono::milliseconds(1);
    o.not_found_confirmations = 1;
    return recover(in, o);
  }

  testsupport::TempDir dir_{"nzeza-venue-recovery"};
  std::unique_ptr<store::Journal> journal_;
};

// The execution actor on a seeded state, on a manual dispatcher (poll() runs its turns on the
// calling thread), routed to one venue for one symbol. Declared in this order so that the actor
// system goes before the tracker and the router it uses.
struct SpawnedExecution {
  SpawnedExecution(Clock& clock, const InstrumentRegistry& registry, const ClientIdCodec& codec,
                   venues::VenueClient& venue, const std::string& canonical,
                   std::uint64_t last_sequence, venues::ResolverConfig resolver = {})
      : venue_(venue),
        router(registry, codec, health),
        tracker(clock, resolver),
        counter(last_sequence),
        system(clock, actor::ActorSystemOptions::with_threads(0)) {
    EXPECT_TRUE(router.add_client(venue).ok());
    EXPECT_TRUE(router.add_route({canonical, venue.venue(), {}}).ok());
    deps.registry = &registry;
    deps.router = &router;
    deps.tracker = &tracker;
    deps.counter = &counter;
    deps.codec = &codec;
    deps.self = self;
  }

  // Orders go through the tracker, which resolves their unknown outcomes at the venue.
  void send_through_tracker() {
    EXPECT_TRUE(tracker.add_client(venue_).ok());
    router.set_sender([this](const domain::OrderSpec& spec, venues::Callback<venues::PlaceAck> cb) {
      tracker.place(spec, std::move(cb));
    });
  }

  // Spawns the actor on `state` (with `deps` as the test completed them) and runs its start.
  Status spawn(const ExecutionConfig& config, ExecutionState& state) {
    deps.state = &state;
    auto ref = system.spawn<Execution>(actor::SpawnOptions::named("execution"), [config, d = deps] {
      auto made = Execution::create(config, d);
      return std::move(*made);
    });
    if (!ref) return ref.error();
    *self = *ref;
    system.dispatcher().poll();
    return {};
  }

  // The venue's private stream to the actor, as the server wires it.
  venues::PrivateStreamHandlers stream_handlers() const {
    venues::PrivateStreamHandlers h;
    h.on_order = [s = self](const venues::VenueOrder& o) { (void)s->tell(VenueOrderMsg{o}); };
    h.on_fill = [s = self](const domain::Fill& f) { (void)s->tell(VenueFillMsg{f}); };
    return h;
  }

  // The orders the start left unresolved, handed to the tracker with its resolutions wired as
  // TradingServer::spawn_actors wires them. The number handed over.
  Result<std::size_t> hand_over(UnresolvedOrders& unresolved, const Recovered& r) {
    tracker.on_resolution([this, &unresolved](const venues::ResolutionEvent& e) {
      auto to_execution = [s = self](const venues::ResolutionEvent& x) {
        (void)s->tell(venues::ResolutionEvent(x));
      };
      auto fill = [s = self](const domain::Fill& f) { (void)s->tell(VenueFillMsg{f}); };
      if (!unresolved.on_resolution(e, router.client(e.venue), fill, to_execution)) to_execution(e);
    });
    return unresolved.hand_over(r, tracker);
  }

  // Runs the actor's turns until `done` holds (bounded by the wait guard); `pump` (may be empty)
  // runs before each check (a manual clock's run_due).
  template <typename Done>
  bool poll_until(Done done, const std::function<void()>& pump = {}) {
    return testsupport::wait_until([&] {
      if (pump) pump();
      system.dispatcher().poll();
      return done();
    });
  }

  // An orderly stop: every actor stopped, the tracker's timers cancelled.
  void stop() {
    system.shutdown(std::chrono::seconds(1));
    EXPECT_TRUE(poll_until([&] { return system.stopped(); }));
    tracker.quiesce();
  }

 private:
  venues::VenueClient& venue_;

 public:
  venues::VenueHealth health;
  venues::Router router;
  venues::OrderTracker tracker;
  ClientIdCounter counter;
  actor::ActorSystem system;
  std::shared_ptr<Execution::Self> self = std::make_shared<Execution::Self>();
  Execution::Deps deps;
};

}  // namespace nzeza::app::test
