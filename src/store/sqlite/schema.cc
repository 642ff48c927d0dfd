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
    R"sql(
-- The books (src/books). Every row belongs to one organisation's log (log_id) and every record
-- row is keyed by its leaf index on that log. Records are never updated except for the
-- reversed_by / counters columns that later records (corrections, approvals, receipts) change.
CREATE TABLE books (
  log_id   INTEGER PRIMARY KEY REFERENCES logs(id),
  name     TEXT NOT NULL,
  currency TEXT NOT NULL,
  leaf     INTEGER NOT NULL,
  donors   INTEGER NOT NULL DEFAULT 0      -- unique donor pseudonyms over all funds
);
CREATE TABLE appeals (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  code        TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  case_code   TEXT NOT NULL,
  currency    TEXT NOT NULL,
  target      INTEGER NOT NULL,
  open        INTEGER NOT NULL,
  opened      TEXT NOT NULL,
  leaf        INTEGER NOT NULL,
  PRIMARY KEY (log_id, code)
) WITHOUT ROWID;
-- Maintained totals per fund ("general" or an appeal code): all-time reports read only these.
-- The CHECK is the last line of defence for "a restricted fund never goes negative"; the
-- service refuses such records before they get here.
CREATE TABLE funds (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  fund        TEXT NOT NULL,
  currency    TEXT NOT NULL,
  restricted  INTEGER NOT NULL,
  raised      INTEGER NOT NULL DEFAULT 0,
  spent       INTEGER NOT NULL DEFAULT 0,
  tin         INTEGER NOT NULL DEFAULT 0,
  tout        INTEGER NOT NULL DEFAULT 0,
  balance     INTEGER NOT NULL DEFAULT 0,
  raised_org  INTEGER NOT NULL DEFAULT 0,
  spent_org   INTEGER NOT NULL DEFAULT 0,
  tin_org     INTEGER NOT NULL DEFAULT 0,
  tout_org    INTEGER NOT NULL DEFAULT 0,
  donations   INTEGER NOT NULL DEFAULT 0,
  donors      INTEGER NOT NULL DEFAULT 0,
  expenses    INTEGER NOT NULL DEFAULT 0,
  spent_receipted INTEGER NOT NULL DEFAULT 0,
  spent_approved  INTEGER NOT NULL DEFAULT 0,
  CHECK (restricted = 0 OR balance >= 0),
  PRIMARY KEY (log_id, fund)
) WITHOUT ROWID;
CREATE TABLE fund_spent (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  fund     TEXT NOT NULL,
  category TEXT NOT NULL,
  amount   INTEGER NOT NULL,
  org      INTEGER NOT NULL,
  PRIMARY KEY (log_id, fund, category)
) WITHOUT ROWID;
-- How many live donations each donor pseudonym has per fund ('*': the whole organisation).
CREATE TABLE fund_donors (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  fund   TEXT NOT NULL,
  donor  TEXT NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (log_id, fund, donor)
) WITHOUT ROWID;
CREATE TABLE donations (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  leaf        INTEGER NOT NULL,
  date        TEXT NOT NULL,
  fund        TEXT NOT NULL,
  amount      INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  fund_amount INTEGER NOT NULL,
  org_amount  INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  account     TEXT NOT NULL,
  receipt     TEXT NOT NULL,   -- the receipt commitment (the code itself is never stored)
  donor       TEXT NOT NULL,   -- keyed pseudonym, '' when anonymous
  bank_ref    TEXT NOT NULL,
  reversed_by INTEGER,
  PRIMARY KEY (log_id, leaf)
);
CREATE UNIQUE INDEX donations_receipt ON donations(log_id, receipt);
CREATE INDEX donations_fund_date ON donations(log_id, fund, date);
CREATE INDEX donations_bank_ref ON donations(log_id, bank_ref) WHERE bank_ref <> '';
CREATE TABLE expenses (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  leaf        INTEGER NOT NULL,
  date        TEXT NOT NULL,
  amount      INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  category    TEXT NOT NULL,
  account     TEXT NOT NULL,
  payee       BLOB NOT NULL,   -- sealed (crypto/keyring.h), bound to this row
  payee_salt  TEXT NOT NULL,
  memo        TEXT NOT NULL,
  bank_ref    TEXT NOT NULL,
  approvals   INTEGER NOT NULL DEFAULT 0,
  receipts    INTEGER NOT NULL DEFAULT 0,
  lawyer      INTEGER NOT NULL DEFAULT 0,
  survivor    INTEGER NOT NULL DEFAULT 0,
  reversed_by INTEGER,
  PRIMARY KEY (log_id, leaf)
);
CREATE INDEX expenses_bank_ref ON expenses(log_id, bank_ref) WHERE bank_ref <> '';
CREATE TABLE expense_splits (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  leaf        INTEGER NOT NULL,
  fund        TEXT NOT NULL,
  date        TEXT NOT NULL,
  category    TEXT NOT NULL,
  amount      INTEGER NOT NULL,
  fund_amount INTEGER NOT NULL,
  org_amount  INTEGER NOT NULL,
  PRIMARY KEY (log_id, leaf, fund)
) WITHOUT ROWID;
CREATE INDEX expense_splits_fund_date ON expense_splits(log_id, fund, date);
CREATE TABLE expense_approvals (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  expense INTEGER NOT NULL,
  by      TEXT NOT NULL,
  leaf    INTEGER NOT NULL,
  PRIMARY KEY (log_id, expense, by)
) WITHOUT ROWID;
CREATE TABLE expense_confirmations (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  expense  INTEGER NOT NULL,
  role     TEXT NOT NULL,
  evidence TEXT NOT NULL,
  leaf     INTEGER NOT NULL,
  PRIMARY KEY (log_id, expense, role)
) WITHOUT ROWID;
CREATE TABLE expense_receipts (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  expense INTEGER NOT NULL,
  sha256  TEXT NOT NULL,
  leaf    INTEGER NOT NULL,
  PRIMARY KEY (log_id, expense, sha256)
) WITHOUT ROWID;
CREATE TABLE transfers (
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  leaf        INTEGER NOT NULL,
  date        TEXT NOT NULL,
  from_fund   TEXT NOT NULL,
  to_fund     TEXT NOT NULL,
  amount      INTEGER NOT NULL,
  to_amount   INTEGER NOT NULL,
  org_amount  INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  reversed_by INTEGER,
  PRIMARY KEY (log_id, leaf)
);
CREATE TABLE corrections (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  leaf     INTEGER NOT NULL,
  reverses INTEGER NOT NULL,
  date     TEXT NOT NULL,
  reason   TEXT NOT NULL,
  PRIMARY KEY (log_id, leaf),
  UNIQUE (log_id, reverses)
);
-- Bank statement lines seen by `amanat import`, keyed by a keyed hash of what identifies the
-- line (so the same line in a second import, or in an overlapping statement, is recognised
-- without storing the counterparty), and the record each is matched to, if any.
CREATE TABLE bank_lines (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  key      TEXT NOT NULL,
  account  TEXT NOT NULL,      -- the statement's account (IBAN or name)
  date     TEXT NOT NULL,
  amount   INTEGER NOT NULL,   -- > 0 money in, < 0 money out
  currency TEXT NOT NULL,
  bank_ref TEXT NOT NULL,
  record   INTEGER,            -- the donation or expense it is matched to
  import   INTEGER NOT NULL,   -- imports.id
  PRIMARY KEY (log_id, key)
) WITHOUT ROWID;
CREATE INDEX bank_lines_record ON bank_lines(log_id, record);
CREATE TABLE imports (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  id      INTEGER NOT NULL,
  sha256  TEXT NOT NULL,       -- of the imported file
  format  TEXT NOT NULL,
  lines   INTEGER NOT NULL,
  time    TEXT NOT NULL,
  PRIMARY KEY (log_id, id)
);
-- The double-entry journal: every record's postings (books/journal.h).
CREATE TABLE postings (
  log_id        INTEGER NOT NULL REFERENCES logs(id),
  leaf          INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  date          TEXT NOT NULL,
  account       TEXT NOT NULL,
  amount        INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  cost          INTEGER,
  cost_currency TEXT,
  PRIMARY KEY (log_id, leaf, seq)
) WITHOUT ROWID;
)sql",
    // 3: unique donors are tallied in memory (SqliteBooksStore::DonorTally) and a receipt code
    // names its donation's leaf, so neither needs a random-key index written per donation.
    R"sql(
DROP TABLE fund_donors;
DROP INDEX donations_receipt;
)sql",
    // 4: staff accounts and sessions of the organisation (api/accounts.h).
    R"sql(
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,  -- a staff login name, not a survivor's or donor's
  role        TEXT NOT NULL,
  password    TEXT NOT NULL,         -- Argon2id (crypto_pwhash_str)
  totp        BLOB,                  -- the enrolled TOTP secret, sealed, bound to the row
  totp_pending BLOB,                 -- a secret being enrolled, sealed
  created     INTEGER NOT NULL
);
-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user       INTEGER NOT NULL REFERENCES users(id),
  csrf       TEXT NOT NULL,
  cookie     INTEGER NOT NULL,
  created    INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 5: identities at rest (api/identities.h): subjects with per-subject sealed fields, the
    // write-only intake, and the hash-chained access trail.
    R"sql(
CREATE TABLE subjects (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,   -- pseudonymous, random: S-XXXXXXXX
  kind        TEXT NOT NULL,          -- survivor | donor
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created     INTEGER NOT NULL,
  data_key    BLOB,                   -- the subject's DEK wrapped by the vault's KEK; NULL once erased
  erased      INTEGER                 -- when the data key was destroyed
);
-- Each personal field sealed under the subject's DEK, bound to (table, field, row, key version).
CREATE TABLE subject_fields (
  subject INTEGER NOT NULL REFERENCES subjects(id),
  field   TEXT NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (subject, field)
) WITHOUT ROWID;
-- Who may read a subject besides directors: its creator and the staff assigned to it.
CREATE TABLE subject_access (
  subject INTEGER NOT NULL REFERENCES subjects(id),
  user    INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (subject, user)
) WITHOUT ROWID;
-- First messages from the public form, sealed to the vault's intake key: unreadable until
-- unsealed.
CREATE TABLE intake (
  id       INTEGER PRIMARY KEY,
  received INTEGER NOT NULL,
  sealed   BLOB NOT NULL
);
-- Every identity read, export, login, failed login and denied access; each row's hash covers
-- the previous row's, so an edit or deletion breaks the chain (api/identities.h).
CREATE TABLE access_trail (
  seq     INTEGER PRIMARY KEY,
  time    INTEGER NOT NULL,
  actor   TEXT NOT NULL,   -- user id as "user:N", or "anonymous"
  action  TEXT NOT NULL,
  target  TEXT NOT NULL,   -- a pseudonymous code, a route, never a name
  outcome TEXT NOT NULL,
  hash    TEXT NOT NULL
);
)sql",
    // 6: bank lines in arrival order (a rowid table) instead of keyed by their random line key:
    // a WITHOUT ROWID table keyed by a keyed hash put every imported line on a random B-tree
    // page, and a batch of imported donations rewrote most of the table in the WAL. The keys
    // are unique because the importer reads every stored key before it books anything and
    // numbers identical lines within a file (books/import/importer.h), and only the one process
    // holding the data directory's lock imports; nothing looks a line up by its key.
    R"sql(
CREATE TABLE bank_lines_v6 (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  key      TEXT NOT NULL,      -- keyed hash of what identifies the line; unique per log_id
  account  TEXT NOT NULL,      -- the statement's account (IBAN or name)
  date     TEXT NOT NULL,
  amount   INTEGER NOT NULL,   -- > 0 money in, < 0 money out
  currency TEXT NOT NULL,
  bank_ref TEXT NOT NULL,
  record   INTEGER,            -- the donation or expense it is matched to
  import   INTEGER NOT NULL    -- imports.id
);
INSERT INTO bank_lines_v6(log_id, key, account, date, amount, currency, bank_ref, record, import)
  SELECT log_id, key, account, date, amount, currency, bank_ref, record, import FROM bank_lines
  ORDER BY log_id, import, record;
DROP TABLE bank_lines;
ALTER TABLE bank_lines_v6 RENAME TO bank_lines;
CREATE INDEX bank_lines_record ON bank_lines(log_id, record);
)sql",
    // 7: every per-organisation table carries the organisation (its log's id), so that one
    // database can hold several organisations (a coalition): staff accounts and sessions
    // (accounts/), subjects, their fields and access, the intake and the access trail
    // (identity/). A database from before held one organisation: its rows go to its log.
    R"sql(
CREATE TABLE users_v7 (
  id           INTEGER PRIMARY KEY,
  log_id       INTEGER NOT NULL REFERENCES logs(id),
  name         TEXT NOT NULL,         -- a staff login name, not a survivor's or donor's
  role         TEXT NOT NULL,
  password     TEXT NOT NULL,         -- Argon2id (crypto_pwhash_str)
  totp         BLOB,                  -- the enrolled TOTP secret, sealed, bound to the row
  totp_pending BLOB,                  -- a secret being enrolled, sealed
  created      INTEGER NOT NULL,
  UNIQUE (log_id, name)
);
INSERT INTO users_v7(id, log_id, name, role, password, totp, totp_pending, created)
  SELECT id, (SELECT MIN(id) FROM logs), name, role, password, totp, totp_pending, created FROM users;
-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions_v7 (
  token_hash TEXT PRIMARY KEY,
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  user       INTEGER NOT NULL REFERENCES users_v7(id),
  csrf       TEXT NOT NULL,
  cookie     INTEGER NOT NULL,
  created    INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sessions_v7 SELECT token_hash, (SELECT MIN(id) FROM logs), user, csrf, cookie, created, last_seen FROM sessions;
CREATE TABLE subjects_v7 (
  id          INTEGER PRIMARY KEY,
  log_id      INTEGER NOT NULL REFERENCES logs(id),
  code        TEXT NOT NULL,          -- pseudonymous, random: S-XXXXXXXX
  kind        TEXT NOT NULL,          -- survivor | donor
  created_by  INTEGER NOT NULL REFERENCES users_v7(id),
  created     INTEGER NOT NULL,
  data_key    BLOB,                   -- the subject's DEK wrapped by the vault's KEK; NULL once erased
  erased      INTEGER,                -- when the data key was destroyed
  UNIQUE (log_id, code)
);
INSERT INTO subjects_v7 SELECT id, (SELECT MIN(id) FROM logs), code, kind, created_by, created, data_key, erased FROM subjects;
-- (A WITHOUT ROWID table's key columns come first: SQLite 3.40's quick_check misreads a
-- NOT NULL column placed before them.)
CREATE TABLE subject_fields_v7 (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  subject INTEGER NOT NULL REFERENCES subjects_v7(id),
  field   TEXT NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (log_id, subject, field)
) WITHOUT ROWID;
INSERT INTO subject_fields_v7 SELECT (SELECT MIN(id) FROM logs), subject, field, value FROM subject_fields;
CREATE TABLE subject_access_v7 (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  subject INTEGER NOT NULL REFERENCES subjects_v7(id),
  user    INTEGER NOT NULL REFERENCES users_v7(id),
  PRIMARY KEY (log_id, subject, user)
) WITHOUT ROWID;
INSERT INTO subject_access_v7 SELECT (SELECT MIN(id) FROM logs), subject, user FROM subject_access;
CREATE TABLE intake_v7 (
  id       INTEGER PRIMARY KEY,
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  received INTEGER NOT NULL,
  sealed   BLOB NOT NULL
);
INSERT INTO intake_v7 SELECT id, (SELECT MIN(id) FROM logs), received, sealed FROM intake;
CREATE TABLE access_trail_v7 (
  log_id  INTEGER NOT NULL REFERENCES logs(id),
  seq     INTEGER NOT NULL,
  time    INTEGER NOT NULL,
  actor   TEXT NOT NULL,   -- user id as "user:N", or "anonymous"
  action  TEXT NOT NULL,
  target  TEXT NOT NULL,   -- a pseudonymous code, a route, never a name
  outcome TEXT NOT NULL,
  hash    TEXT NOT NULL,
  PRIMARY KEY (log_id, seq)
) WITHOUT ROWID;
INSERT INTO access_trail_v7 SELECT (SELECT MIN(id) FROM logs), seq, time, actor, action, target, outcome, hash
  FROM access_trail;
DROP TABLE access_trail;
DROP TABLE intake;
DROP TABLE subject_access;
DROP TABLE subject_fields;
DROP TABLE subjects;
DROP TABLE sessions;
DROP TABLE users;
ALTER TABLE users_v7 RENAME TO users;
ALTER TABLE sessions_v7 RENAME TO sessions;
ALTER TABLE subjects_v7 RENAME TO subjects;
ALTER TABLE subject_fields_v7 RENAME TO subject_fields;
ALTER TABLE subject_access_v7 RENAME TO subject_access;
ALTER TABLE intake_v7 RENAME TO intake;
ALTER TABLE access_trail_v7 RENAME TO access_trail;
CREATE INDEX sessions_user ON sessions(log_id, user);
)sql",
    // 8: taking access away (accounts/accounts.h): users can be disabled, and a grant of a
    // director's or admin's role waits for the approvals the organisation requires.
    R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER;  -- when it was disabled; NULL: enabled
CREATE TABLE grants (
  id           INTEGER PRIMARY KEY,
  log_id       INTEGER NOT NULL REFERENCES logs(id),
  user         INTEGER NOT NULL REFERENCES users(id),
  role         TEXT NOT NULL,           -- the role it grants: director or admin
  requested_by INTEGER NOT NULL REFERENCES users(id),
  created      INTEGER NOT NULL
);
CREATE TABLE grant_approvals (
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  grant_id INTEGER NOT NULL REFERENCES grants(id),
  director INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (log_id, grant_id, director)
) WITHOUT ROWID;
)sql",
    // 9: who booked an expense (their staff handle, never on the log): they may not approve it.
    R"sql(
ALTER TABLE expenses ADD COLUMN booked_by TEXT NOT NULL DEFAULT '';
)sql",
    // 10: the hotline archives the intake messages it has handled (identity/identities.h); it
    // reads the waiting ones, or the archived ones, a page at a time in id order, each list
    // from an index of its own.
    R"sql(
ALTER TABLE intake ADD COLUMN archived INTEGER;                         -- when; NULL: waiting
ALTER TABLE intake ADD COLUMN archived_by INTEGER REFERENCES users(id);  -- who
CREATE INDEX intake_waiting ON intake(log_id, id) WHERE archived IS NULL;
CREATE INDEX intake_archived ON intake(log_id, id) WHERE archived IS NOT NULL;
)sql",
    // 11: the access trail's anchors on the log (identity/trail_anchor.h), indexed by the leaf
    // that holds each, written in that leaf's transaction. The log is the authority.
    R"sql(
CREATE TABLE trail_anchors (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  leaf   INTEGER NOT NULL,  -- its leaf index on the organisation's log
  count  INTEGER NOT NULL,  -- rows of access_trail it covers
  head   TEXT NOT NULL,     -- the keyed commitment to row `count`'s hash, as on the log
  time   TEXT NOT NULL,
  PRIMARY KEY (log_id, leaf)
) WITHOUT ROWID;
)sql",
    // 12: the staff's list of expenses (books/lists.h): a period's from a date index, and the
    // ones waiting for approvals (the queue the approvers work through) from a small index of
    // their own, which loses an expense at its second approval or its reversal. Donations get
    // no new index: each would cost a page write per donation on the booking path
    // (docs/benchmarks.md); their list reads a fund's through donations_fund_date.
    R"sql(
CREATE INDEX expenses_date ON expenses(log_id, date);
CREATE INDEX expenses_waiting ON expenses(log_id, leaf) WHERE reversed_by IS NULL AND approvals < 2;
)sql",
    // 13: the last TOTP time step accepted per user (accounts/accounts.h): a code is used once
    // across restarts and server processes, not only within one process's memory. Grants of
    // credential resets.
    R"sql(
ALTER TABLE users ADD COLUMN totp_step INTEGER;
-- A reset of a director's or admin's password or authenticator waits for the directors'
-- approvals like a grant of their role: kind 'password' (with the new password's hash) or 'totp'.
ALTER TABLE grants ADD COLUMN kind TEXT NOT NULL DEFAULT 'role';
ALTER TABLE grants ADD COLUMN password TEXT;
)sql",
    // 14: the case desk (desk/desk.h). No identity here: survivors are named by their subject's
    // pseudonymous code, whose fields stay sealed in subject_fields. Lists are JSON arrays.
    // desk_counts holds the statistics' maintained totals, changed in the transaction of every
    // record that moves them (desk/store.h Count), so that no statistic scans the records.
    R"sql(
CREATE TABLE consultations (
  id            INTEGER PRIMARY KEY,
  log_id        INTEGER NOT NULL REFERENCES logs(id),
  at            INTEGER NOT NULL,   -- unix seconds
  channel       TEXT NOT NULL,
  contact_kind  TEXT NOT NULL,
  caller_role   TEXT NOT NULL,
  category      TEXT NOT NULL,
  context       TEXT NOT NULL,      -- JSON array
  region        TEXT NOT NULL,
  age_group     TEXT NOT NULL,
  sex           TEXT NOT NULL,
  hours_since   INTEGER,
  police_status TEXT NOT NULL,
  referrals     TEXT NOT NULL,      -- JSON array
  outcome       TEXT NOT NULL,
  follow_up     TEXT,
  operator      INTEGER NOT NULL,
  survivor      TEXT,               -- subjects.code
  protocol      TEXT NOT NULL,
  consent_stats INTEGER NOT NULL,
  case_id       INTEGER
);
CREATE INDEX consultations_at ON consultations(log_id, at);
CREATE INDEX consultations_survivor ON consultations(log_id, survivor) WHERE survivor IS NOT NULL;
CREATE TABLE cases (
  id            INTEGER PRIMARY KEY,
  log_id        INTEGER NOT NULL REFERENCES logs(id),
  code          TEXT NOT NULL,
  survivor      TEXT NOT NULL,
  category      TEXT NOT NULL,
  context       TEXT NOT NULL,
  region        TEXT NOT NULL,
  stage         TEXT NOT NULL,
  private_prosecution INTEGER NOT NULL,
  articles      TEXT NOT NULL,
  body          TEXT NOT NULL,
  court         TEXT NOT NULL,
  lawyer        INTEGER,
  case_worker   INTEGER,
  created_by    INTEGER NOT NULL,
  opened        INTEGER NOT NULL,
  consents      TEXT NOT NULL,      -- JSON object of booleans: stats, publish, police, lawyer
  reported_on   TEXT,
  court_on      TEXT,
  verdict_on    TEXT,
  verdict       TEXT,
  convicted     INTEGER NOT NULL DEFAULT 0,
  first_of_survivor INTEGER NOT NULL,
  UNIQUE (log_id, code)
);
CREATE INDEX cases_survivor ON cases(log_id, survivor);
CREATE INDEX cases_lawyer ON cases(log_id, lawyer) WHERE lawyer IS NOT NULL;
CREATE INDEX cases_worker ON cases(log_id, case_worker) WHERE case_worker IS NOT NULL;
CREATE INDEX cases_creator ON cases(log_id, created_by);
CREATE TABLE case_events (
  id            INTEGER PRIMARY KEY,
  log_id        INTEGER NOT NULL REFERENCES logs(id),
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  kind          TEXT NOT NULL,
  date          TEXT NOT NULL,
  stage_from    TEXT NOT NULL,
  stage_to      TEXT NOT NULL,
  document_status TEXT NOT NULL,
  document      TEXT NOT NULL,
  legal_basis   TEXT NOT NULL,
  fields        TEXT NOT NULL,      -- JSON object
  recorded_by   INTEGER NOT NULL,
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX case_events_case ON case_events(log_id, case_id, id);
CREATE TABLE case_deadlines (
  id       INTEGER PRIMARY KEY,
  log_id   INTEGER NOT NULL REFERENCES logs(id),
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  due      TEXT NOT NULL,
  what     TEXT NOT NULL,
  done     INTEGER
);
CREATE INDEX case_deadlines_open ON case_deadlines(log_id, due) WHERE done IS NULL;
CREATE INDEX case_deadlines_case ON case_deadlines(log_id, case_id);
CREATE TABLE official_complaints (
  id            INTEGER PRIMARY KEY,
  log_id        INTEGER NOT NULL REFERENCES logs(id),
  case_id       INTEGER REFERENCES cases(id),
  official_rank TEXT NOT NULL,
  official_unit TEXT NOT NULL,
  region        TEXT NOT NULL,
  conduct       TEXT NOT NULL,
  filed_with    TEXT NOT NULL,
  filed_on      TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  decided_on    TEXT,
  article       TEXT NOT NULL,
  created_by    INTEGER NOT NULL
);
CREATE TABLE desk_counts (
  log_id    INTEGER NOT NULL REFERENCES logs(id),
  metric    TEXT NOT NULL,
  month     TEXT NOT NULL,   -- YYYY-MM; '' for a snapshot
  category  TEXT NOT NULL,   -- '*': summed over every category (desk_store.cc keeps four grains)
  region    TEXT NOT NULL,   -- '*': summed over every region
  consented INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  sum       INTEGER NOT NULL,
  PRIMARY KEY (log_id, metric, month, category, region, consented)
) WITHOUT ROWID;
)sql",
    // 15: the legal-defence docket (desk/docket.h): one JSON document per proceeding, its
    // events' leaves on the log; the chronology report's header under id ''. Publications.
    R"sql(
CREATE TABLE docket (
  log_id INTEGER NOT NULL REFERENCES logs(id),
  id     TEXT NOT NULL,
  doc    TEXT NOT NULL,
  PRIMARY KEY (log_id, id)
);
-- Publications (desk/desk.h): a post is known by its leaf on the log; its changes (corrections,
-- disclaimers, archival, retraction) by theirs.
CREATE TABLE publications (
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  leaf       INTEGER NOT NULL,
  case_id    INTEGER REFERENCES cases(id),
  channel    TEXT NOT NULL,
  url        TEXT NOT NULL,
  posted     TEXT NOT NULL,
  text       TEXT NOT NULL,
  commitment TEXT NOT NULL,
  sources    TEXT NOT NULL,   -- JSON object: source -> how it was verified
  consent    TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  PRIMARY KEY (log_id, leaf)
) WITHOUT ROWID;
CREATE TABLE publication_changes (
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  leaf       INTEGER NOT NULL,
  post       INTEGER NOT NULL,
  kind       TEXT NOT NULL,
  at         TEXT NOT NULL,
  text       TEXT NOT NULL,
  commitment TEXT NOT NULL,
  PRIMARY KEY (log_id, leaf)
) WITHOUT ROWID;
CREATE INDEX publication_changes_post ON publication_changes(log_id, post);
)sql",
    // 16: a case's referrals to services (desk/desk.h), each with the consent it relied on or
    // the reason it was made without, and what became of it; the time limit a deadline comes from.
    R"sql(
CREATE TABLE case_referrals (
  id         INTEGER PRIMARY KEY,
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  service    TEXT NOT NULL,
  made_on    TEXT NOT NULL,
  note       TEXT NOT NULL,
  override   TEXT NOT NULL,   -- why it was made without the consent it needs; '' when consented
  outcome    TEXT NOT NULL,
  outcome_on TEXT,
  made_by    INTEGER NOT NULL
);
CREATE INDEX case_referrals_case ON case_referrals(log_id, case_id, id);
-- A deadline the procedure set (an appeal period after a verdict): "event/limit"; '' when typed.
ALTER TABLE case_deadlines ADD COLUMN source TEXT NOT NULL DEFAULT '';
)sql",
    // 17: a deadline moved to another day (a lawyer's correction of a term the procedure set, or
    // a court's new date) keeps the day it had first and why it moved; a case's suspects, each
    // with their own state and its history (desk/desk.h kSuspectStates).
    R"sql(
ALTER TABLE case_deadlines ADD COLUMN first_due TEXT NOT NULL DEFAULT '';
ALTER TABLE case_deadlines ADD COLUMN moved_because TEXT NOT NULL DEFAULT '';
CREATE TABLE case_suspects (
  id         INTEGER PRIMARY KEY,
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  n          INTEGER NOT NULL,   -- 1, 2, ... within the case
  label      TEXT NOT NULL,      -- names nobody
  article    TEXT NOT NULL,
  state      TEXT NOT NULL,
  sentence   TEXT NOT NULL,
  sentence_kind   TEXT NOT NULL DEFAULT '',
  sentence_months INTEGER NOT NULL DEFAULT 0,
  since      TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  UNIQUE (case_id, n)
);
CREATE INDEX case_suspects_case ON case_suspects(log_id, case_id, n);
CREATE TABLE case_suspect_changes (
  id         INTEGER PRIMARY KEY,
  suspect_id INTEGER NOT NULL REFERENCES case_suspects(id),
  state      TEXT NOT NULL,
  on_date    TEXT NOT NULL,
  note       TEXT NOT NULL,
  made_by    INTEGER NOT NULL
);
CREATE INDEX case_suspect_changes_suspect ON case_suspect_changes(suspect_id, id);
)sql",
};

}  // namespace

int schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db, int to) {
  if (to < 0 || to > schema_version()) to = schema_version();
  auto q = db.prepare("PRAGMA user_version");
  if (!q) return err(q);
  auto row = q->step();
  if (!row) return err(row);
  int have = static_cast<int>(q->column_int(0));
  q->reset();  // an active statement would make DROP TABLE in a migration fail with "locked"
  if (have > schema_version())
    return fail(Errc::invalid, "the database was written by a newer amanat (schema " +
                                   std::to_string(have) + ", this binary knows " +
                                   std::to_string(schema_version()) + "); upgrade amanat");
  if (have >= to) return {};
  return transaction(db, [&]() -> Status {
    for (int v = have; v < to; ++v) {
      if (auto st = db.exec(kMigrations[v]); !st)
        return std::unexpected(st.error().context("schema migration " + std::to_string(v + 1)));
    }
    return db.exec("PRAGMA user_version = " + std::to_string(to));
  });
}

}  // namespace amanat::store::sqlite
