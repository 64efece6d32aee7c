#include "net/reconnect_policy.hpp"

#include "core/enum_names.hpp"

namespace nzeza::net {

constexpr EnumNames kReconnectActionKindNames{
    ReconnectActionKind::ignored,
    {"connect_now", "wait_until", "refused_circuit_open", "stopped", "ignored"}};

std::string_view to_string(ReconnectActionKind kind) noexcept {
  return kReconnectActionKindNames.name(kind);
}

constexpr EnumNames kReconnectPhaseNames{
    ReconnectPhase::useful, {"stopped", "waiting", "attempting", "connected", "useful"}};

std::string_view to_string(ReconnectPhase phase) noexcept {
  return kReconnectPhaseNames.name(phase);
}

namespace {

ReconnectAction stopped_action() {
  return ReconnectAction{ReconnectActionKind::stopped, Timestamp{}, "stopped"};
}

ReconnectAction ignored_action(ReconnectPhase phase) {
  return ReconnectAction{ReconnectActionKind::ignored, Timestamp{},
                         "event does not apply in phase " + std::string(to_string(phase))};
}

}  // namespace

Status ReconnectPolicy::validate(const ReconnectPolicyConfig& config) {
  if (auto s = Backoff::validate(config.backoff); !s) return s;
  return CircuitBreaker::validate(config.breaker);
}

ReconnectPolicy::ReconnectPolicy(Clock& clock, ReconnectPolicyConfig config, std::string name)
    : clock_(clock),
      name_(std::move(name)),
      status_(clock, name_),
      breaker_(clock, config.breaker, name_),
      backoff_(config.backoff) {}

Status ReconnectPolicy::begin_attempt(ConnectionState state, const std::string& reason) {
  if (auto permit = breaker_.allow(); !permit) return permit;
  phase_ = ReconnectPhase::attempting;
  next_attempt_at_ = Timestamp{};
  ++attempts_;
  status_.set(state, reason);
  return {};
}

Status ReconnectPolicy::start() {
  if (phase_ != ReconnectPhase::stopped) {
    return fail(ErrorCode::invalid_state, "connection '" + name_ + "': start refused, already " +
                                              std::string(to_string(status_.state())) + " (phase " +
                                              std::string(to_string(phase_)) + "), not STOPPED");
  }
  return begin_attempt(ConnectionState::connecting, "start");
}

Status ReconnectPolicy::connect_now() {
  switch (phase_) {
    case ReconnectPhase::stopped:
      return start();
    case ReconnectPhase::waiting:
      return begin_attempt(ConnectionState::reconnecting, "explicit connect");
    case ReconnectPhase::attempting:
    case ReconnectPhase::connected:
    case ReconnectPhase::useful:
      break;
  }
  return fail(ErrorCode::invalid_state, "connection '" + name_ + "': connect refused, already " +
                                            std::string(to_string(status_.state())) + " (phase " +
                                            std::string(to_string(phase_)) + ")");
}

ReconnectAction ReconnectPolicy::connect_started() {
  if (phase_ == ReconnectPhase::stopped) return stopped_action();
  if (phase_ != ReconnectPhase::waiting) return ignored_action(phase_);
  const Timestamp now = clock_.now();
  if (now < next_attempt_at_) {
    return ReconnectAction{ReconnectActionKind::wait_until, next_attempt_at_, "too early"};
  }
  if (auto permit = breaker_.allow(); !permit) {
    const Timestamp half_open = breaker_.half_open_at();
    next_attempt_at_ = half_open.is_zero() ? now + backoff_.next_delay() : half_open;
    status_.set(ConnectionState::circuit_open, permit.error().message);
    return ReconnectAction{ReconnectActionKind::refused_circuit_open, next_attempt_at_,
                           permit.error().message};
  }
  phase_ = ReconnectPhase::attempting;
  next_attempt_at_ = Timestamp{};
  ++attempts_;
  status_.set(ConnectionState::reconnecting, "attempt " + std::to_string(attempts_));
  return ReconnectAction{ReconnectActionKind::connect_now, now, "attempt granted"};
}

bool ReconnectPolicy::connected() {
  if (phase_ != ReconnectPhase::attempting) return false;
  phase_ = ReconnectPhase::connected;
  status_.set(ConnectionState::connected, "handshake done");
  return true;
}

bool ReconnectPolicy::connected_useful() {
  if (phase_ != ReconnectPhase::attempting && phase_ != ReconnectPhase::connected) return false;
  phase_ = ReconnectPhase::useful;
  backoff_.on_useful_connection();
  breaker_.record_success();
  status_.set(ConnectionState::connected, "subscribed, data flowing");
  return true;
}

ReconnectAction ReconnectPolicy::after_failure(std::string reason) {
  breaker_.record_failure();
  phase_ = ReconnectPhase::waiting;
  if (breaker_.state() == CircuitState::open) {
    // Straight to the circuit's wait: backoff attempts would only be refused.
    next_attempt_at_ = breaker_.half_open_at();
    reason += "; circuit '" + name_ + "' is open until " + next_attempt_at_.to_iso8601();
    status_.set(ConnectionState::circuit_open, reason);
  } else {
    next_attempt_at_ = clock_.now() + backoff_.next_delay();
    status_.set(ConnectionState::reconnecting, reason);
  }
  return ReconnectAction{ReconnectActionKind::wait_until, next_attempt_at_, std::move(reason)};
}

// A failed connect is a disconnect in every phase: before the connection was useful it counts as
// a failure, after it a plain reconnect.
ReconnectAction ReconnectPolicy::connect_failed(std::string reason) {
  return disconnected(std::move(reason));
}

ReconnectAction ReconnectPolicy::disconnected(std::string reason) {
  switch (phase_) {
    case ReconnectPhase::stopped:
      return stopped_action();
    case ReconnectPhase::waiting:
      return ignored_action(phase_);
    case ReconnectPhase::attempting:
    case ReconnectPhase::connected:
      // Accepted, then closed before it was useful: a failure, or a broken venue gets hammered.
      return after_failure(std::move(reason));
    case ReconnectPhase::useful:
      break;
  }
  phase_ = ReconnectPhase::waiting;
  next_attempt_at_ = clock_.now() + backoff_.next_delay();
  status_.set(ConnectionState::reconnecting, reason);
  return ReconnectAction{ReconnectActionKind::wait_until, next_attempt_at_, std::move(reason)};
}

ReconnectAction ReconnectPolicy::stop(std::string reason) {
  if (phase_ == ReconnectPhase::stopped) return stopped_action();
  if (phase_ == ReconnectPhase::attempting || phase_ == ReconnectPhase::connected) {
    breaker_.record_abandoned();
  }
  phase_ = ReconnectPhase::stopped;
  next_attempt_at_ = Timestamp{};
  status_.set(ConnectionState::stopped, std::move(reason));
  return stopped_action();
}

}  // namespace nzeza::net
