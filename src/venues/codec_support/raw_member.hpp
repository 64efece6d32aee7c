#pragma once
// A member name a codec's raw path expects, with the texts it has as the venue writes it
// without whitespace: `{"name":` when it opens an object, `,"name":` when it follows another
// member. One declaration a name instead of a RawKey and one Literal per place it stands, so a
// codec's table of members is its list of names. Threading: none (constants).

#include "venues/codec_support/level_reader.hpp"
#include "venues/codec_support/raw_levels.hpp"

namespace nzeza::venues::codec::raw {

// Declare it static constexpr: its texts are built at compile time and each compare folds into
// immediates (as a Literal built by literal_of does).
struct Member {
  RawKey name;
  Literal first = literal_of("{\"", name, "\":");  // {"name":
  Literal next = literal_of(",\"", name, "\":");   // ,"name":
};

// The member that opens an object: `{"name":` in one compare, else `{` and the name with any
// whitespace. False: not that member here (the caller gives up or tries another name).
[[nodiscard, gnu::always_inline]] inline bool first_member(Cursor& c, const Member& m) noexcept {
  return next_member(c, m.first, '{', m.name);
}

// The member after another: `,"name":` in one compare, else `,` and the name with any whitespace.
[[nodiscard, gnu::always_inline]] inline bool next_member(Cursor& c, const Member& m) noexcept {
  return next_member(c, m.next, ',', m.name);
}

}  // namespace nzeza::venues::codec::raw
