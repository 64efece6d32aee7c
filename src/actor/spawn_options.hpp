#pragma once
// SpawnOptions: everything the creator of an actor decides — its name, where it runs, its
// mailbox, how it supervises its own children, and how many messages it may handle before it
// yields its thread to other actors.

#include <cstddef>
#include <string>

#include "actor/mailbox_options.hpp"
#include "actor/supervision_options.hpp"

namespace nzeza::actor {

class Dispatcher;

struct SpawnOptions {
  std::string name;                  // unique in the system; empty: "actor-<n>"
  Dispatcher* dispatcher = nullptr;  // null: the system's default dispatcher (must outlive it)
  MailboxOptions mailbox;
  SupervisionOptions supervision;  // applied to this actor's children
  std::size_t throughput = 256;    // messages per turn before other actors get the thread

  static SpawnOptions named(std::string name, Dispatcher* dispatcher = nullptr) {
    SpawnOptions o;
    o.name = std::move(name);
    o.dispatcher = dispatcher;
    return o;
  }
};

}  // namespace nzeza::actor
