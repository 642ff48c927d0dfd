// Fuzz target: tlog-proof files (src/tlog/proof_file.h). Checks that parsing never crashes,
// that whatever parses formats back to the exact input, and runs full verification against the
// key, witness and entry of corpus/proof_file_fuzz/amanat-* (a 13-entry log whose entry i is
// "entry <i>"; log seed 32 x 0x01, witness seed 32 x 0x02).
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tlog/proof_file.h"

using namespace amanat;
using namespace amanat::tlog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  static const ProofTrust trust = [] {
    std::array<std::uint8_t, 32> seed;
    seed.fill(1);
    Verifier log = Signer::from_seed("example.org/fuzz/log", seed)->verifier();
    seed.fill(2);
    WitnessVerifier w =
        WitnessSigner::from_signer(*Signer::from_seed("o", seed), "example.org/fuzz/witness")
            ->verifier();
    return ProofTrust{log, "example.org/fuzz/log", {w}, 1};
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);

  auto p = parse_proof_file(in);
  if (p) {
    auto again = format_proof_file(*p);
    if (!again || *again != in) std::abort();
    std::string entry = "entry " + std::to_string(p->index % 13);
    (void)verify_proof_file_for_entry(in, as_bytes(entry), trust);
  }
  return 0;
}
