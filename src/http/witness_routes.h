// The C2SP tlog-witness `add-checkpoint` endpoint (https://c2sp.org/tlog-witness), so that
// partner organisations can submit their checkpoints to be cosigned by this organisation's
// key, mounted at the submission prefix (amanat serve: /witness/<org>/):
//
//   POST add-checkpoint   body: "old N\n", up to 63 base64 proof lines, "\n", the checkpoint
//
// Answers as the spec requires: 200 with the cosignature line(s); 404 for an origin it does
// not witness; 403 when no signature verifies with a trusted key; 400 for a malformed body or
// an old size above the checkpoint's; 409 (Content-Type text/x.tlog.size, body "<size>\n")
// when the old size is not the size last cosigned, or the same size with another root; 422
// when the consistency proof does not verify. The state moves forward atomically and durably
// before the cosignature is returned (tlog::cosign_checkpoint).
//
// Threading: the store serialises its own updates; the handler may run on many threads.
#pragma once

#include <functional>
#include <vector>

#include "http/server.h"
#include "tlog/note.h"
#include "tlog/witness.h"

namespace amanat::http {

// `trusted`: the logs this witness cosigns (by origin = key name). `store` and `signer` must
// outlive the handler. `now` gives the cosignature's timestamp (unix seconds).
Handler witness_handler(std::vector<tlog::Verifier> trusted, tlog::WitnessStore& store,
                        const tlog::WitnessSigner& signer, std::function<std::uint64_t()> now);

}  // namespace amanat::http
