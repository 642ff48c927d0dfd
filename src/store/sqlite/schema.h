// The embedded database's schema and its migrations.
//
// Migrations are numbered and append-only: the database records how many have been applied in
// PRAGMA user_version, and migrate() applies the rest in one transaction. Never edit a shipped
// migration; add a new one.
#pragma once

#include "core/error.h"
#include "store/sqlite/db.h"

namespace amanat::store::sqlite {

// Brings the schema up to date (or, for tests of the migrations, to version `to`).
// Errc::invalid if the database is newer than this binary.
Status migrate(Db& db, int to = -1);
int schema_version();

}  // namespace amanat::store::sqlite
