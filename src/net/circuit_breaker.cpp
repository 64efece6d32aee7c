#include "net/circuit_breaker.hpp"

#include <mutex>

#include "core/enum_names.hpp"

namespace nzeza::net {

constexpr EnumNames kCircuitStateNames{
    CircuitState::half_open, {"CLOSED", "OPEN", "HALF_OPEN"}, "UNKNOWN"};

std::string_view to_string(CircuitState state) noexcept {
  return kCircuitStateNames.name(state);
}

namespace {
const CircuitBreakerConfig kDefaults{};

CircuitBreakerConfig sanitised(CircuitBreakerConfig c) {
  if (c.failure_threshold < 1) c.failure_threshold = kDefaults.failure_threshold;
  if (c.open_duration <= Duration::zero()) c.open_duration = kDefaults.open_duration;
  if (c.open_duration > kMaxOpenDuration) c.open_duration = kMaxOpenDuration;
  if (c.half_open_trials < 1) c.half_open_trials = kDefaults.half_open_trials;
  return c;
}
}  // namespace

// Everything lives here so the half-open timer can hold a weak_ptr: the breaker's destructor
// cancels the timer, and a timer already firing on another thread either still finds the state
// (and sees `destroyed`) or finds it gone.
struct CircuitBreaker::Impl : std::enable_shared_from_this<CircuitBreaker::Impl> {
  Impl(Clock& c, CircuitBreakerConfig cfg, std::string n)
      : clock(c), config(sanitised(cfg)), name(std::move(n)) {}

  // Effects decided under the lock and carried out after it: clock calls stay outside our
  // mutex (a Clock may fire due timers from schedule_at), and so do callbacks.
  struct Effects {
    std::uint64_t arm_generation = 0;  // non-zero: schedule the half-open timer
    Timestamp arm_at;
    TimerId cancel = 0;
  };

  void transition_locked(CircuitState to, Timestamp at) {
    notifier.enqueue(CircuitTransition{state, to, at});
    state = to;
  }

  void open_locked(Timestamp now, Effects& fx) {
    transition_locked(CircuitState::open, now);
    half_open_at = now + config.open_duration;
    trials_in_flight = 0;
    fx.arm_generation = ++generation;
    fx.arm_at = half_open_at;
  }

  // Lazy OPEN -> HALF_OPEN when the deadline passed before the timer fired.
  void maybe_half_open_locked(Timestamp now, Effects& fx) {
    if (state == CircuitState::open && now >= half_open_at) {
      transition_locked(CircuitState::half_open, half_open_at);
      trials_in_flight = 0;
      fx.cancel = timer;
      timer = 0;
    }
  }

  void finish(const Effects& fx) {
    if (fx.cancel != 0) clock.cancel(fx.cancel);
    if (fx.arm_generation != 0) arm(fx.arm_generation, fx.arm_at);
    notifier.drain();
  }

  // One change of state: `decide(fx)` runs under the lock and records in `fx` what must follow,
  // which finish() then carries out outside it.
  template <typename Decide>
  void change(Decide&& decide) {
    Effects fx;
    {
      std::lock_guard lock(mu);
      decide(fx);
    }
    finish(fx);
  }

  void arm(std::uint64_t gen, Timestamp at) {
    std::weak_ptr<Impl> weak = weak_from_this();
    const TimerId id = clock.schedule_at(at, [weak, gen] {
      if (auto self = weak.lock()) self->on_timer(gen);
    });
    TimerId stale = 0;
    {
      std::lock_guard lock(mu);
      if (destroyed || gen != generation || state != CircuitState::open) {
        stale = id;  // superseded (or already half-open) before we could store it
      } else {
        stale = timer;
        timer = id;
      }
    }
    if (stale != 0) clock.cancel(stale);
  }

  void on_timer(std::uint64_t gen) {
    {
      std::lock_guard lock(mu);
      if (destroyed || gen != generation || state != CircuitState::open) return;
      timer = 0;
      transition_locked(CircuitState::half_open, half_open_at);
      trials_in_flight = 0;
    }
    notifier.drain();
  }

  Clock& clock;
  const CircuitBreakerConfig config;
  const std::string name;

  mutable std::mutex mu;
  CircuitState state = CircuitState::closed;
  int failures = 0;          // consecutive, while CLOSED
  int trials_in_flight = 0;  // granted and unreported, while HALF_OPEN
  Timestamp half_open_at;
  std::uint64_t generation = 0;  // bumped at every entry into OPEN; stale timers compare it
  TimerId timer = 0;
  bool destroyed = false;
  OrderedNotifier<CircuitTransition> notifier;
};

Status CircuitBreaker::validate(const CircuitBreakerConfig& config) {
  if (config.failure_threshold < 1) {
    return fail(ErrorCode::invalid_argument,
                "circuit breaker: failure_threshold must be >= 1, got " +
                    std::to_string(config.failure_threshold));
  }
  if (config.open_duration <= Duration::zero() || config.open_duration > kMaxOpenDuration) {
    return fail(ErrorCode::invalid_argument,
                "circuit breaker: open_duration must be > 0 and <= 24 h, got " +
                    std::to_string(std::chrono::duration<double>(config.open_duration).count()) +
                    " s");
  }
  if (config.half_open_trials < 1) {
    return fail(ErrorCode::invalid_argument,
                "circuit breaker: half_open_trials must be >= 1, got " +
                    std::to_string(config.half_open_trials));
  }
  return {};
}

CircuitBreaker::CircuitBreaker(Clock& clock, CircuitBreakerConfig config, std::string name)
    : impl_(std::make_shared<Impl>(clock, config, std::move(name))) {}

CircuitBreaker::~CircuitBreaker() {
  TimerId stale = 0;
  {
    std::lock_guard lock(impl_->mu);
    impl_->destroyed = true;
    stale = impl_->timer;
    impl_->timer = 0;
  }
  if (stale != 0) impl_->clock.cancel(stale);
}

Status CircuitBreaker::allow() {
  Impl& s = *impl_;
  Status result;
  s.change([&](Impl::Effects& fx) {
    s.maybe_half_open_locked(s.clock.now(), fx);
    switch (s.state) {
      case CircuitState::closed:
        break;
      case CircuitState::half_open:
        if (s.trials_in_flight < s.config.half_open_trials) {
          ++s.trials_in_flight;
        } else {
          result = fail(ErrorCode::circuit_open, "circuit '" + s.name + "' is half-open and its " +
                                                     std::to_string(s.config.half_open_trials) +
                                                     " trial(s) are in progress");
        }
        break;
      case CircuitState::open:
        result = fail(ErrorCode::circuit_open,
                      "circuit '" + s.name + "' is open until " + s.half_open_at.to_iso8601());
        break;
    }
  });
  return result;
}

void CircuitBreaker::record_success() {
  Impl& s = *impl_;
  s.change([&s](Impl::Effects&) {
    switch (s.state) {
      case CircuitState::closed:
        s.failures = 0;
        break;
      case CircuitState::half_open:
        s.failures = 0;
        s.trials_in_flight = 0;
        s.transition_locked(CircuitState::closed, s.clock.now());
        break;
      case CircuitState::open:
        break;  // granted before it opened: says nothing about the peer now
    }
  });
}

void CircuitBreaker::record_failure() {
  Impl& s = *impl_;
  s.change([&s](Impl::Effects& fx) {
    switch (s.state) {
      case CircuitState::closed:
        if (++s.failures >= s.config.failure_threshold) {
          s.open_locked(s.clock.now(), fx);
        }
        break;
      case CircuitState::half_open:
        s.open_locked(s.clock.now(), fx);
        break;
      case CircuitState::open:
        break;
    }
  });
}

void CircuitBreaker::record_abandoned() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.state == CircuitState::half_open && s.trials_in_flight > 0) --s.trials_in_flight;
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard lock(impl_->mu);
  return impl_->state;
}

Timestamp CircuitBreaker::half_open_at() const {
  std::lock_guard lock(impl_->mu);
  return impl_->state == CircuitState::open ? impl_->half_open_at : Timestamp{};
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(impl_->mu);
  return impl_->failures;
}

const std::string& CircuitBreaker::name() const noexcept {
  return impl_->name;
}
const CircuitBreakerConfig& CircuitBreaker::config() const noexcept {
  return impl_->config;
}

SubscriptionId CircuitBreaker::on_transition(TransitionCallback callback) {
  return impl_->notifier.subscribe(
      [cb = std::move(callback)](const CircuitTransition& t) { cb(t.from, t.to, t.at); });
}

bool CircuitBreaker::remove_transition_callback(SubscriptionId id) {
  return impl_->notifier.unsubscribe(id);
}

}  // namespace nzeza::net
