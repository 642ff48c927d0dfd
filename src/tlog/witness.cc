#include "tlog/witness.h"

#include "tlog/merkle.h"
#include "tlog/tile.h"

namespace amanat::tlog {

Result<CosignResult> cosign_checkpoint(const std::string& signed_checkpoint,
                                       const Verifier& log_key, std::uint64_t claimed_old_size,
                                       const std::vector<Hash>& proof, WitnessStore& store,
                                       const WitnessSigner& witness, std::uint64_t timestamp) {
  auto cp = open_checkpoint(signed_checkpoint, log_key, log_key.name());
  if (!cp) return err(cp);
  if (cp->size == 0 && cp->root != empty_tree_root())
    return fail(Errc::corrupt, cp->origin + " signed a checkpoint of size 0 with a root other than "
                                            "the empty tree's; refusing to cosign");
  auto prev = store.last(cp->origin);
  if (!prev) return err(prev);
  std::uint64_t have = *prev ? (*prev)->size : 0;
  if (claimed_old_size != have)
    return fail(Errc::conflict, "the witness last cosigned size " + std::to_string(have) + " of " +
                                    cp->origin + ", not " + std::to_string(claimed_old_size));
  if (*prev) {
    const WitnessedState& p = **prev;
    if (cp->size < p.size)
      return fail(Errc::corrupt, cp->origin + " presents size " + std::to_string(cp->size) +
                                     " after we cosigned size " + std::to_string(p.size) +
                                     ": the log was rolled back; refusing to cosign");
    if (p.size > 0) {
      if (auto st = verify_consistency(p.size, cp->size, proof, p.root, cp->root); !st)
        return fail(Errc::corrupt, cp->origin + " is not consistent with the checkpoint of size " +
                                       std::to_string(p.size) + " we cosigned (" + st.error().message +
                                       "): the log forked; refusing to cosign");
    } else if (!proof.empty()) {
      return fail(Errc::invalid, "a consistency proof from size 0 must be empty");
    }
  } else if (!proof.empty()) {
    return fail(Errc::invalid, "a consistency proof from size 0 must be empty");
  }
  // Durable before the cosignature leaves: a crash after this cannot let us cosign a fork.
  if (auto st = store.advance(cp->origin, *prev, {cp->size, cp->root}, signed_checkpoint); !st)
    return err(st);
  auto text = parse_note(signed_checkpoint);
  if (!text) return err(text);
  auto line = witness.cosign(text->text, timestamp);
  if (!line) return err(line);
  return CosignResult{*cp, *prev, *line};
}

Result<CosignResult> witness_log(LogSource& partner, const Verifier& log_key, WitnessStore& store,
                                 const WitnessSigner& witness, std::uint64_t timestamp) {
  auto note = partner.read_checkpoint();
  if (!note) return std::unexpected(note.error().context("fetching the checkpoint of " + partner.describe()));
  auto cp = open_checkpoint(*note, log_key, log_key.name());
  if (!cp) return std::unexpected(cp.error().context("the checkpoint of " + partner.describe()));
  auto prev = store.last(cp->origin);
  if (!prev) return err(prev);
  std::uint64_t old = *prev ? (*prev)->size : 0;
  std::vector<Hash> proof;
  if (old > 0 && old < cp->size) {
    TileHashSource tiles(partner, cp->size);
    auto p = consistency_proof(tiles, old, cp->size);
    if (!p) return std::unexpected(p.error().context("building a consistency proof from " + partner.describe()));
    proof = std::move(*p);
  }
  return cosign_checkpoint(*note, log_key, old, proof, store, witness, timestamp);
}

}  // namespace amanat::tlog
