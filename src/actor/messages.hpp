#pragma once
// Message lists and their compile-time rules.
//
// An actor declares what it accepts with `using Messages = actor::Messages<A, B, Req>;`. A type
// with a nested `Reply` type is a request: it can only be asked (and its handler answers with a
// Reply); every other type can only be told. ActorRef<A, B, Req> refuses anything else at
// compile time.

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace nzeza::actor {

template <typename... Ms>
struct Messages {};

template <typename M>
concept Request = requires {
  typename M::Reply;
};

template <typename M, typename... Ms>
inline constexpr bool contains_v = (std::is_same_v<M, Ms> || ...);

template <typename... Ms>
inline constexpr bool distinct_v = true;
template <typename M, typename... Rest>
inline constexpr bool distinct_v<M, Rest...> = !contains_v<M, Rest...> && distinct_v<Rest...>;

// Position of M in Ms (sizeof...(Ms) when absent).
template <typename M, typename... Ms>
constexpr std::size_t index_of() {
  std::size_t i = 0;
  const bool found = ((std::is_same_v<M, Ms> ? true : (++i, false)) || ...);
  return found ? i : sizeof...(Ms);
}

// Readable type name for logs ("nzeza::Quote"), from the compiler's function signature.
template <typename T>
constexpr std::string_view type_name() {
  std::string_view p = __PRETTY_FUNCTION__;
  const auto start = p.find("T = ") + 4;
  const auto end = p.find_first_of(";]", start);
  return p.substr(start, end - start);
}

}  // namespace nzeza::actor
