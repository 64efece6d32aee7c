// Must NOT compile: telling a type the actor does not declare. Built with -fsyntax-only by the
// ctest `actors_tell_of_undeclared_type_does_not_compile`; with -DNZEZA_CONTROL it must compile
// (proving the failure comes from the message type, not from a broken include).

#include "actor/actor.hpp"

struct Declared {};
struct Undeclared {};

void send(const nzeza::actor::ActorRef<Declared>& ref) {
#ifdef NZEZA_CONTROL
  (void)ref.tell(Declared{});
#else
  (void)ref.tell(Undeclared{});
#endif
}
