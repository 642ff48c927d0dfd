#include "store/sqlite/schema.h"

#include <array>

namespace amanat::store::sqlite {

namespace {

// Every table that belongs to one organisation's log carries log_id, so that one deployment
// can hold several organisations' logs.
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE logs (
  id         INTEGER PRIMARY KEY,
  origin     TEXT NOT NULL UNIQUE,
  size       INTEGER NOT NULL DEFAULT 0,
  checkpoint TEXT NOT NULL DEFAULT ''
);
-- One row per entry; entry bundles are assembled from 256 consecutive rows when read. A rowid
-- table, not WITHOUT ROWID: an index B-tree keeps only ~1000 bytes of a row inline on a 4 KiB
-- page, so 1 KiB entries would each spill to an overflow page (4.6x the writes; see
-- docs/benchmarks.md).
CREATE TABLE log_entries (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  idx    INTEGER NOT NULL,
  data   BLOB NOT NULL,
  PRIMARY KEY (log_id, idx)
);
-- Hash tiles. A partial tile is replaced as it grows; its earlier widths are its prefixes.
CREATE TABLE log_tiles (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  data   BLOB NOT NULL,
  PRIMARY KEY (log_id, level, idx)
) WITHOUT ROWID;
-- Every checkpoint ever signed, for proofs against older tree sizes.
CREATE TABLE log_checkpoints (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  size   INTEGER NOT NULL,
  note   TEXT NOT NULL,
  PRIMARY KEY (log_id, size)
) WITHOUT ROWID;
-- As a witness: the latest checkpoint this organisation cosigned for each partner log.
CREATE TABLE witnessed (
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  origin     TEXT NOT NULL,
  size       INTEGER NOT NULL,
  root       BLOB NOT NULL,
  checkpoint TEXT NOT NULL,
  PRIMARY KEY (log_id, origin)
);
)sql",
};

}  // namespace

int schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db) {
  auto q = db.prepare("PRAGMA user_version");
  if (!q) return std::unexpected(q.error());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  int have = static_cast<int>(q->column_int(0));
  if (have > schema_version())
    return fail(Errc::invalid, "the database was written by a newer amanat (schema " +
                                   std::to_string(have) + ", this binary knows " +
                                   std::to_string(schema_version()) + "); upgrade amanat");
  if (have == schema_version()) return {};
  return transaction(db, [&]() -> Status {
    for (int v = have; v < schema_version(); ++v) {
      if (auto st = db.exec(kMigrations[v]); !st)
        return std::unexpected(st.error().context("schema migration " + std::to_string(v + 1)));
    }
    return db.exec("PRAGMA user_version = " + std::to_string(schema_version()));
  });
}

}  // namespace amanat::store::sqlite
