#pragma once
// The io_context of a loopback test server (WebSocket, HTTP, fault proxy) and the end of its
// loop. A server's stop() aborts every connection, so every operation ends with an error and the
// loop runs dry. When one does not (Beast 1.74 can leave a websocket close suspended for good
// behind a read that already ended), the loop is stopped after a guard, and the operations still
// pending are dropped: each owns a coroutine frame holding its session, which holds the server,
// a cycle LeakSanitizer reports as a leak once the test ends.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace nzeza::testsupport {

class DrainableIo : public boost::asio::io_context {
 public:
  using boost::asio::io_context::io_context;
  // Destroys every pending operation and handler (their frames and what they hold). Only once
  // the loop has stopped and its thread is joined; the context runs nothing afterwards.
  void drop_pending() { shutdown(); }
};

// Waits up to `guard` for the loop (whose end sets `loop_done`) to run dry, else stops it; joins
// `thread`; drops what is still pending.
inline void finish_loop(DrainableIo& io, std::future<void>& loop_done, std::thread& thread,
                        std::chrono::seconds guard = std::chrono::seconds(5)) {
  const bool dry = loop_done.wait_for(guard) == std::future_status::ready;
  if (!dry) io.stop();
  thread.join();
  if (!dry) io.drop_pending();
}

}  // namespace nzeza::testsupport
