#include "books/donation_proof.h"

#include "books/identity.h"
#include "tlog/merkle.h"
#include "tlog/proof_file.h"
#include "tlog/tile.h"

namespace amanat::books {

Result<DonationProof> prove_donation(BooksStore& store, tlog::LogStorage& log, std::string_view receipt_code) {
  auto code = parse_receipt_code(receipt_code);
  if (!code) return err(code);
  auto d = store.donation_by_receipt(code->leaf, receipt_commitment(code->secret));
  if (!d) return err(d);
  if (!*d) return fail(Errc::not_found, "no donation has this receipt code");
  AMANAT_TRY(text, prove_record(log, (*d)->leaf));
  return DonationProof{std::move(text), (*d)->leaf, (*d)->reversed_by};
}

Result<std::string> prove_record(tlog::LogStorage& log, std::uint64_t leaf) {
  AMANAT_TRY(state, log.state());
  if (leaf >= state.size)
    return fail(Errc::not_found, "record " + std::to_string(leaf) + ": the log has " + std::to_string(state.size) + " records");
  AMANAT_TRY(entry, log.read_entries(leaf, leaf + 1));
  tlog::TileHashSource tiles(log, state.size);
  AMANAT_TRY(proof, tlog::inclusion_proof(tiles, leaf, state.size));
  return tlog::format_proof_file({entry.at(0), leaf, proof, state.checkpoint});
}

}  // namespace amanat::books
