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
  auto state = log.state();
  if (!state) return err(state);
  auto entry = log.read_entries((*d)->leaf, (*d)->leaf + 1);
  if (!entry) return err(entry);
  tlog::TileHashSource tiles(log, state->size);
  auto proof = tlog::inclusion_proof(tiles, (*d)->leaf, state->size);
  if (!proof) return err(proof);
  auto text = tlog::format_proof_file({entry->at(0), (*d)->leaf, *proof, state->checkpoint});
  if (!text) return err(text);
  return DonationProof{std::move(*text), (*d)->leaf, (*d)->reversed_by};
}

}  // namespace amanat::books
