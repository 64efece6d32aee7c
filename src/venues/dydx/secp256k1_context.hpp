#pragma once
// One process-wide libsecp256k1 context, randomised once at creation (blinding against
// side channels). libsecp256k1 allows concurrent use of a const context from many threads.

struct secp256k1_context_struct;

namespace nzeza::venues::dydx {

[[nodiscard]] const secp256k1_context_struct* secp256k1_ctx();

}  // namespace nzeza::venues::dydx
