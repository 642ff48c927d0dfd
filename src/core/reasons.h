// Every reason an error can carry (core/error.h): the stable names a client may rely on.
//
// A reason's id never changes once released: the web app keys its translations (Russian,
// Kazakh, English) on it, and an API problem document names it in its `type`
// ("/api/v1/problems/<id>", served with the title below). Add new reasons at the end of their
// group; never reuse an id for another meaning. The HTTP status of each follows from its code,
// except where api/problems.cc says otherwise (401, 403, 405, 413, 415, 429, 431).
//
// The generic reasons (one per Errc) are what an error without a declared reason carries: a
// client shows the generic text, with the field when the error names one.
#pragma once

#include <span>
#include <string_view>

#include "core/error.h"

// X(name, "id", code, "title")
#define AMANAT_REASONS(X)                                                                                          \
  /* generic: one per Errc */                                                                                     \
  X(invalid, "invalid", invalid, "The input is not valid")                                                        \
  X(not_found, "not-found", not_found, "It does not exist")                                                       \
  X(conflict, "conflict", conflict, "It conflicts with the current state")                                        \
  X(forbidden, "forbidden", forbidden, "A rule forbids it")                                                       \
  X(corrupt, "corrupt", corrupt, "Stored or fetched data failed a check")                                         \
  X(unavailable, "unavailable", unavailable, "The service is unavailable; try again later")                       \
  X(sealed, "vault-sealed", sealed, "The vault is sealed: a director must unseal it")                             \
  X(internal, "internal", internal, "An internal error")                                                          \
  /* requests */                                                                                                  \
  X(route_not_found, "route-not-found", not_found, "No such API route")                                           \
  X(method_not_allowed, "method-not-allowed", invalid, "This route does not take this method")                    \
  X(org_not_found, "org-not-found", not_found, "No such organisation")                                            \
  X(media_type, "media-type", invalid, "The body is not of a media type this route takes")                        \
  X(body_invalid, "body-invalid", invalid, "The request body is not valid")                                       \
  X(body_not_allowed, "body-not-allowed", invalid, "This route takes no body")                                    \
  X(body_empty, "body-empty", invalid, "The body is empty; send the file")                                        \
  X(body_too_large, "body-too-large", invalid, "The body is too large")                                           \
  X(headers_too_large, "headers-too-large", invalid, "The request headers are too large")                         \
  X(malformed_request, "malformed-request", invalid, "The request is not valid HTTP")                             \
  X(query_invalid, "query-invalid", invalid, "A query parameter is not valid")                                    \
  X(timeout, "timeout", unavailable, "No answer in time; try again later")                                        \
  X(server_busy, "server-busy", unavailable, "The server is busy; try again later")                               \
  /* accounts and sessions */                                                                                     \
  X(not_logged_in, "not-logged-in", forbidden, "Log in first")                                                    \
  X(session_expired, "session-expired", forbidden, "The session has ended; log in again")                         \
  X(wrong_credentials, "wrong-credentials", forbidden, "Wrong name, password or code")                            \
  X(too_many_attempts, "too-many-attempts", unavailable, "Too many failed attempts; wait and try again")          \
  X(role_forbidden, "role-forbidden", forbidden, "Your role may not do this")                                     \
  X(totp_enrolment_required, "totp-enrolment-required", forbidden, "Enrol an authenticator app first")            \
  X(csrf_token, "csrf-token", forbidden, "The CSRF token is missing or wrong")                                    \
  X(password_weak, "password-weak", invalid, "The password is too weak")                                          \
  X(name_taken, "name-taken", conflict, "A user of this name exists")                                             \
  X(totp_not_pending, "totp-not-pending", not_found, "No authenticator enrolment is pending")                     \
  X(totp_wrong, "totp-wrong", invalid, "Wrong code; check the authenticator app's clock")                         \
  X(user_not_found, "user-not-found", not_found, "No such user")                                                  \
  X(password_wrong, "password-wrong", invalid, "The current password or code is wrong")                             \
  X(account_rule, "account-rule", forbidden,                                                                      \
    "The accounts' rules forbid it: nobody changes their own role or access, and directors manage directors")     \
  X(last_director, "last-director", conflict, "This is the last enabled director; make another first")            \
  X(grant_not_found, "grant-not-found", not_found, "No such grant is waiting")                                     \
  /* the vault and identities */                                                                                  \
  X(vault_missing, "vault-missing", conflict, "This organisation has no vault yet")                               \
  X(vault_wrong_secret, "vault-wrong-secret", forbidden, "The passphrase or shares do not unseal the vault")       \
  X(share_invalid, "share-invalid", invalid, "Not a share of this vault")                                         \
  X(subject_not_found, "subject-not-found", not_found, "No such person")                                          \
  X(intake_limited, "intake-limited", unavailable, "Too many messages from this address; wait and try again")     \
  X(intake_not_found, "intake-not-found", not_found, "No such intake message")                                    \
  /* the books */                                                                                                 \
  X(books_not_open, "books-not-open", invalid, "The books are not open yet")                                     \
  X(books_already_open, "books-already-open", conflict, "The books are open already")                             \
  X(appeal_exists, "appeal-exists", conflict, "An appeal with this code exists")                                  \
  X(appeal_not_found, "appeal-not-found", not_found, "No such appeal")                                            \
  X(appeal_closed, "appeal-closed", forbidden, "The appeal is closed")                                            \
  X(appeal_status_unchanged, "appeal-status-unchanged", conflict, "The appeal is already in that state")          \
  X(fund_not_found, "fund-not-found", not_found, "No such fund")                                                  \
  X(fund_negative, "fund-negative", forbidden, "A restricted fund would go negative")                             \
  X(period_reversed, "period-reversed", invalid, "The period ends before it starts")                                 \
  X(date_far, "date-far", forbidden, "The date is far from today; confirm it if it is right")                     \
  X(total_unpublishable, "total-unpublishable", forbidden, "A total would grow past what a report can publish")  \
  X(currency_mismatch, "currency-mismatch", invalid, "The amount is in another currency than it must be")         \
  X(rate_missing, "rate-missing", invalid, "An exchange rate is needed")                                          \
  X(record_not_found, "record-not-found", not_found, "No such record")                                            \
  X(not_correctable, "not-correctable", invalid, "Only donations, expenses and transfers are corrected")           \
  X(already_reversed, "already-reversed", conflict, "The record was already reversed")                            \
  X(expense_not_found, "expense-not-found", not_found, "No such expense")                                         \
  X(already_approved, "already-approved", conflict, "This person has already approved the expense")               \
  X(own_expense, "own-expense", forbidden, "Whoever booked an expense may not approve it")                        \
  X(evidence_required, "evidence-required", invalid, "A confirmation on someone's behalf needs its evidence")      \
  X(approvals_complete, "approvals-complete", conflict, "The expense already has its two approvals")              \
  X(already_confirmed, "already-confirmed", conflict, "The expense is already confirmed in this role")            \
  X(receipt_attached, "receipt-attached", conflict, "This receipt is already attached")                           \
  X(change_in_flight, "change-in-flight", conflict, "The same change is already being booked")                    \
  X(report_too_large, "report-too-large", forbidden, "The report lists too many funds for one record")            \
  X(books_moved, "books-moved", conflict, "The books changed while the report was made; retry")                   \
  X(receipt_code_invalid, "receipt-code-invalid", not_found, "No donation has this receipt code")                 \
  X(file_not_found, "file-not-found", not_found, "No such file")                                                  \
  X(file_not_stored, "file-not-stored", invalid, "No stored file has this hash; upload it first")                  \
  X(statement_invalid, "statement-invalid", invalid, "The statement cannot be booked; nothing was booked")        \
  X(import_busy, "import-busy", conflict, "Another statement is being imported")                                   \
  /* the case desk */                                                                                             \
  X(transition_not_allowed, "transition-not-allowed", conflict, "The case's stage does not allow this event")     \
  X(suspect_state_not_allowed, "suspect-state-not-allowed", conflict,                                             \
    "A suspect in this state cannot move to that one")                                                            \
  X(case_not_found, "case-not-found", not_found, "No such case")                                                  \
  X(survivor_not_found, "survivor-not-found", not_found, "No such survivor")                                      \
  X(consultation_not_found, "consultation-not-found", not_found, "No such consultation")                          \
  X(proceeding_not_found, "proceeding-not-found", not_found, "No such proceeding in the docket")                 \
  X(publication_not_found, "publication-not-found", not_found, "No such publication")                            \
  X(consent_missing, "consent-missing", conflict, "The survivor has not given the consent this needs")   \
  X(not_your_case, "not-your-case", forbidden, "This is for a case not assigned to you")

namespace amanat::reasons {

#define AMANAT_DECLARE_REASON(name, id, code, title) inline constexpr Reason name{id, Errc::code, title};
AMANAT_REASONS(AMANAT_DECLARE_REASON)
#undef AMANAT_DECLARE_REASON

// Every reason, in the order above.
std::span<const Reason* const> all();
// The reason with this id, or nullptr.
const Reason* find(std::string_view id);

}  // namespace amanat::reasons
