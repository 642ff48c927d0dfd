// Fuzz target: signed notes and checkpoints (src/tlog/note.h, checkpoint.h, cosignature.h).
// Besides "never crash", it checks the strictness promises: whatever parses re-encodes to the
// exact input bytes, so no note or checkpoint has two accepted spellings.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

using namespace amanat;
using namespace amanat::tlog;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// Keys of the seed corpus: the Go vectors and the C2SP example, plus the key that signs
// corpus/note_fuzz/amanat-cosigned-checkpoint (seed 32 x 0x01) and its witness (32 x 0x02).
struct Keys {
  std::vector<Verifier> logs;
  std::vector<WitnessVerifier> witnesses;
  Keys() {
    for (auto vkey : {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                      "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
                      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"})
      logs.push_back(*Verifier::parse(vkey));
    std::array<std::uint8_t, 32> seed;
    seed.fill(1);
    logs.push_back(Signer::from_seed("example.org/fuzz/log", seed)->verifier());
    seed.fill(2);
    witnesses.push_back(
        WitnessSigner::from_signer(*Signer::from_seed("o", seed), "example.org/fuzz/witness")
            ->verifier());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  static const Keys keys;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto note = parse_note(in)) {
    std::string again = note->text + "\n";
    for (auto& s : note->signatures) again += format_signature_line(s);
    require(again == in);
    if (auto opened = open_note(in, keys.logs)) require(opened->text == note->text);
    (void)verify_cosignatures(in, keys.witnesses);
    for (auto& v : keys.logs) (void)open_checkpoint(in, v, "example.org/fuzz/log");
  }
  if (auto c = parse_checkpoint(in)) {
    auto text = format_checkpoint(*c);
    require(text && *text == in);
  }
  (void)Verifier::parse(in);
  (void)WitnessVerifier::parse(in);
  (void)Signer::parse(in);
  return 0;
}
