// Identities over HTTP (identity/identities.h): the vault's state, unsealing and sealing;
// subjects (created, read case-scoped, assigned, erased); the public intake form (limited per
// address: 429 with Retry-After), the hotline's pages of it and archiving what it handled; the
// access trail for directors. Every identity read and every change is recorded in the
// trail. While the vault is sealed, identity routes answer 423 (reasons::sealed); without a
// vault, 409 (reasons::vault_missing).
#include <limits>

#include "api/api.h"
#include "core/reasons.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

Status need_vault(const Call& c) {
  if (!c.org.identities || !c.org.identities->has_vault())
    return fail(reasons::vault_missing, "this organisation has no vault yet; run `amanat vault init --data DIR`");
  return {};
}

// The service refuses what it cannot do (a sealed vault, no vault); the routes only check that
// the organisation has identities at all.
Status need_identities(const Call& c) {
  if (!c.org.identities) return fail(reasons::vault_missing, "this organisation keeps no identities here");
  return {};
}

// The vault's refusal of what was given in `field`.
Error about(const Error& e, const char* field) {
  Error out = e.context(field);
  out.field = field;
  return out;
}

Field personal(const char* name, const char* what) {
  return Field{name, Field::Type::string, false, what, 0, identity::kMaxFieldBytes};
}

// ---- handlers ----

Result<http::Response> vault_state(Call& c) {
  bool has = c.org.identities && c.org.identities->has_vault();
  ojson body{{"vault", has}, {"sealed", !has || c.org.identities->sealed()}};
  if (has) {
    const auto u = c.org.identities->unlocks();
    body["passphrase"] = u.passphrase;
    if (u.k) body["shares"] = {{"k", u.k}, {"n", u.n}, {"given", u.shares_given}};
  }
  return json_response(200, body);
}

Result<http::Response> unseal(Call& c) {
  AMANAT_CHECK(need_vault(c));
  bool pass = c.body.contains("passphrase"), share = c.body.contains("share");
  if (pass == share) return fail_field("passphrase", "give exactly one of passphrase and share");
  if (pass) {
    auto st = c.org.identities->unseal_with_passphrase(c.body["passphrase"]);
    c.org.identities->record(actor(c), "unseal", "vault", st ? "ok" : "failed");
    if (!st) return std::unexpected(about(st.error(), "passphrase"));
    return json_response(200, {{"sealed", false}});
  }
  auto need = c.org.identities->add_share(c.body["share"]);
  c.org.identities->record(actor(c), "unseal-share", "vault", need ? "ok" : "failed");
  if (!need) return std::unexpected(about(need.error(), "share"));
  return json_response(200, {{"sealed", *need > 0}, {"shares_needed", *need}});
}

Result<http::Response> seal(Call& c) {
  if (c.org.identities) {
    c.org.identities->seal();
    c.org.identities->record(actor(c), "seal", "vault", "ok");
  }
  return json_response(200, {{"sealed", true}});
}

Result<http::Response> create_subject(Call& c) {
  AMANAT_CHECK(need_identities(c));
  std::vector<std::pair<std::string, std::string>> fields;
  for (const char* f : identity::kSubjectFields)
    if (c.body.contains(f)) fields.emplace_back(f, c.body[f].get<std::string>());
  AMANAT_TRY(s, c.org.identities->create(c.session->user, c.body["kind"], fields));
  c.org.identities->record(actor(c), "create-subject", s.code, "ok");
  return json_response(201, {{"code", s.code}, {"kind", s.kind}});
}

Result<http::Response> read_subject(Call& c) {
  AMANAT_CHECK(need_identities(c));
  const std::string& code = c.params.at("code");
  auto s = c.org.identities->read(c.session->user, code);
  // Recorded with the code asked for, whether or not it exists or was allowed.
  c.org.identities->record(actor(c), "read-subject", code.substr(0, 16),
                           s ? "ok" : s.error().code == Errc::not_found ? "not-found" : "failed");
  if (!s) return err(s);
  ojson fields = ojson::object();
  for (const auto& [k, v] : s->fields) fields[k] = v;
  return json_response(200, {{"code", s->code}, {"kind", s->kind}, {"erased", s->erased}, {"fields", fields}});
}

Result<http::Response> assign_subject(Call& c) {
  if (!c.org.identities) return fail(reasons::subject_not_found, "no such subject");
  AMANAT_CHECK(c.org.identities->assign(c.params.at("code"), c.body["user"].get<std::int64_t>()));
  c.org.identities->record(actor(c), "assign", c.params.at("code"),
                           "user:" + std::to_string(c.body["user"].get<std::int64_t>()));
  return json_response(200, {{"assigned", true}});
}

Result<http::Response> erase_subject(Call& c) {
  if (!c.org.identities) return fail(reasons::subject_not_found, "no such subject");
  AMANAT_CHECK(c.org.identities->erase(c.params.at("code")));
  c.org.identities->record(actor(c), "erase", c.params.at("code"), "ok");
  return json_response(200, {{"erased", true}});
}

Result<http::Response> take_intake(Call& c) {
  if (!c.org.identities || !c.org.identities->has_vault())
    return fail(reasons::vault_missing, "this organisation does not take messages here yet");
  std::int64_t retry = 0;
  auto id = c.org.identities->intake(c.body["message"], c.client, &retry);
  if (!id) return problem_after(id.error(), id.error().reason == &reasons::intake_limited ? retry : 0);
  return json_response(202, {{"received", true}});
}

Result<http::Response> read_intake(Call& c) {
  AMANAT_CHECK(need_identities(c));
  AMANAT_TRY(params, query_params(c.req, {"after", "limit", "archived"}));
  std::int64_t after = 0, limit = static_cast<std::int64_t>(Identities::kIntakePage);
  bool archived = false;
  for (const auto& [k, v] : params) {
    if (k == "archived") {
      if (v != "true" && v != "false") return fail(reasons::query_invalid, "archived: true or false", "archived");
      archived = v == "true";
    } else if (k == "limit") {
      AMANAT_TRY(n, query_number(k, v, 1, static_cast<std::int64_t>(Identities::kIntakeMaxPage)));
      limit = n;
    } else {
      AMANAT_TRY(n, query_number(k, v, 0, std::numeric_limits<std::int64_t>::max()));
      after = n;
    }
  }
  auto page = c.org.identities->read_intake(after, static_cast<std::size_t>(limit), archived);
  c.org.identities->record(actor(c), "read-intake", archived ? "intake:archived" : "intake", page ? "ok" : "failed");
  if (!page) return err(page);
  ojson list = ojson::array();
  for (const auto& m : page->messages) {
    ojson item{{"id", m.id}, {"received", m.received}};
    if (m.archived) item["archived"] = *m.archived;
    item["message"] = m.message;
    list.push_back(std::move(item));
  }
  ojson body{{"messages", std::move(list)}};
  if (page->next_after) body["next_after"] = *page->next_after;
  return json_response(200, body);
}

Result<http::Response> archive_intake(Call& c) {
  AMANAT_CHECK(need_identities(c));
  auto id = id_param(c, "message", reasons::intake_not_found);
  Status st = id ? c.org.identities->archive_intake(*id, c.session->user) : Status(err(id));
  // Recorded with the number asked for, whether or not it exists.
  c.org.identities->record(actor(c), "archive-intake", "intake:" + c.params.at("message").substr(0, 20),
                           st ? "ok" : st.error().code == Errc::not_found ? "not-found" : "failed");
  AMANAT_CHECK(st);
  return json_response(200, {{"id", *id}, {"archived", true}});
}

Result<http::Response> access_trail(Call& c) {
  if (!c.org.identities) return fail(Errc::not_found, "no access trail");
  AMANAT_TRY(params, query_params(c.req, {"after", "before", "limit"}));
  std::int64_t after = 0, limit = 1000;
  std::optional<std::int64_t> before;
  for (const auto& [k, v] : params) {
    AMANAT_TRY(n, query_number(k, v, k == "limit" ? 1 : 0, k == "limit" ? 1000 : std::numeric_limits<std::int64_t>::max()));
    if (k == "after") after = n;
    else if (k == "before") before = n;
    else limit = n;
  }
  if (before && after) return fail_field("before", "give after (oldest first) or before (newest first), not both");
  auto verified = c.org.identities->verify_trail();
  AMANAT_TRY(entries, before ? c.org.identities->trail_before(*before, static_cast<std::size_t>(limit))
                             : c.org.identities->trail(after, static_cast<std::size_t>(limit)));
  ojson list = ojson::array();
  for (const auto& e : entries)
    list.push_back({{"seq", e.seq}, {"time", e.time}, {"actor", e.actor}, {"action", e.action}, {"target", e.target},
                    {"outcome", e.outcome}, {"hash", e.hash}});
  ojson body{{"intact", verified.has_value()}, {"problem", verified ? "" : verified.error().message}};
  // What the log pins: rows after it could still be removed unnoticed (docs/security.md §4).
  if (verified && verified->anchor)
    body["anchored"] = {{"count", verified->anchor->anchor.count},
                        {"record", verified->anchor->leaf},
                        {"time", verified->anchor->anchor.time}};
  body["entries"] = std::move(list);
  return json_response(200, body);
}

}  // namespace

void add_identity_routes(Api& api) {
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));
  const std::vector<Role> keyholders = {Role::director, Role::admin};
  const Schema sealed_state{"VaultSealed", {out::flag("sealed", "Whether the vault is sealed")}};

  api.add({.method = "GET",
           .path = "/orgs/{org}/vault",
           .summary = "Whether the organisation's vault exists and is sealed",
           .roles = everyone,
           .response = "The vault's state",
           .returns = Schema{"VaultState",
                             {out::flag("vault", "Whether the organisation has a vault"),
                              out::flag("sealed", "Whether it is sealed (identities wait for a director)"),
                              out::flag("passphrase", "With a vault: whether a passphrase unseals it", false),
                              out::object("shares", "With a vault split into Shamir shares: k of n, and how many "
                                                    "distinct shares this server holds towards the next unseal",
                                          {out::number("k", "Shares needed"), out::number("n", "Shares issued"),
                                           out::number("given", "Shares given so far (kept in memory only)")},
                                          false)}},
           .handler = vault_state});

  api.add({.method = "POST",
           .path = "/orgs/{org}/vault/unseal",
           .summary = "Unseal with the passphrase, or add one director's Shamir share (unsealed once k are in)",
           .roles = keyholders,
           .body = Schema{"Unseal",
                          {Field{"passphrase", Field::Type::string, false, "The vault's passphrase", 0, 1024},
                           Field{"share", Field::Type::string, false, "One share text (amanat-share-v1-...)", 0, 300}}},
           .response = "sealed=false, or how many shares are still needed",
           .returns = Schema{"Unsealed",
                             {out::flag("sealed", "Whether it is still sealed"),
                              out::number("shares_needed", "Shares still needed (when unsealing with shares)", false)}},
           .handler = unseal});

  api.add({.method = "POST",
           .path = "/orgs/{org}/vault/seal",
           .summary = "Seal the vault now (e.g. when a raid is feared)",
           .roles = keyholders,
           .response = "Sealed",
           .returns = sealed_state,
           .handler = seal});

  std::vector<Field> subject_fields = {one_of("kind", "survivor, or a donor who agreed to be known", {"survivor", "donor"})};
  subject_fields.push_back(personal("name", "Name, as the person gave it"));
  subject_fields.push_back(personal("phone", "Phone"));
  subject_fields.push_back(personal("contact", "Another safe way to reach them"));
  subject_fields.push_back(personal("address", "Address"));
  subject_fields.push_back(personal("notes", "Notes"));
  std::vector<std::string> field_names(std::begin(identity::kSubjectFields), std::end(identity::kSubjectFields));
  Field opened = out::object("fields", "The personal fields, opened", {});
  for (const auto& n : field_names) opened.fields.push_back(out::text(n, "As the person gave it", false));

  api.add({.method = "POST",
           .path = "/orgs/{org}/subjects",
           .summary = "Create a subject: a pseudonymous code and sealed personal fields",
           .roles = {Role::hotline_operator, Role::case_worker, Role::director},
           .body = Schema{"SubjectInput", subject_fields},
           .status = 201,
           .response = "The subject's pseudonymous code",
           .returns = Schema{"SubjectCreated",
                             {out::text("code", "The pseudonymous code, e.g. S-7Q2MK9XD"),
                              out::choice("kind", "survivor or donor", {"survivor", "donor"})}},
           .handler = create_subject});

  api.add({.method = "GET",
           .path = "/orgs/{org}/subjects/{code}",
           .summary = "Read a subject's personal fields (directors: any; others: those they created or were assigned)",
           .roles = {Role::hotline_operator, Role::case_worker, Role::lawyer, Role::director},
           .response = "The subject",
           .returns = Schema{"Subject",
                             {out::text("code", "The pseudonymous code"),
                              out::choice("kind", "survivor or donor", {"survivor", "donor"}),
                              out::flag("erased", "Erased: its fields can never be read again"), opened}},
           .handler = read_subject});

  api.add({.method = "POST",
           .path = "/orgs/{org}/subjects/{code}/assignments",
           .summary = "Give a staff member access to a subject",
           .roles = {Role::director},
           .body = Schema{"Assignment", {integer("user", "The user's id", 1, 1'000'000'000)}},
           .response = "Assigned",
           .returns = Schema{"Assigned", {out::flag("assigned", "Always true")}},
           .handler = assign_subject});

  api.add({.method = "DELETE",
           .path = "/orgs/{org}/subjects/{code}",
           .summary = "Erase a subject: its data key is destroyed, its fields can never be read again",
           .roles = {Role::director},
           .response = "Erased",
           .returns = Schema{"Erased", {out::flag("erased", "Always true")}},
           .handler = erase_subject});

  const std::vector<Role> hotline = {Role::director, Role::hotline_operator};

  api.add({.method = "POST",
           .path = "/orgs/{org}/intake",
           .summary = "The public form: a first message, sealed to the organisation's key (unreadable until unsealed); "
                      "from one address " + std::to_string(Identities::kIntakeBurst) + " at once, then one per " +
                      std::to_string(Identities::kIntakeInterval) + " seconds",
           .is_public = true,
           .body = Schema{"IntakeMessage", {str("message", "The message", 8000)}},
           .status = 202,
           .response = "Received",
           .returns = Schema{"IntakeReceived", {out::flag("received", "Always true")}},
           .responses = {{429, "Too many messages from this address: wait Retry-After seconds (nothing was stored)"}},
           .handler = take_intake});

  api.add({.method = "GET",
           .path = "/orgs/{org}/intake",
           .summary = "Read the intake messages a page at a time, oldest first: those waiting, or the archived ones",
           .roles = hotline,
           .query = {"after", "limit", "archived"},
           .response = "A page of messages (query: after=ID, limit=1.." + std::to_string(Identities::kIntakeMaxPage) +
                       " (" + std::to_string(Identities::kIntakePage) + "), archived=true|false (false))",
           .returns = Schema{"IntakeMessages",
                             {out::list("messages", "The messages with an id above `after`, oldest first",
                                        {out::number("id", "Its number"), out::number("received", "Unix seconds"),
                                         out::number("archived", "When it was archived (Unix seconds); absent while "
                                                                 "it waits", false),
                                         out::text("message", "The message, opened")}),
                              out::number("next_after", "More follow: ask again with after= this; absent on the "
                                                        "last page", false)}},
           .handler = read_intake});

  api.add({.method = "POST",
           .path = "/orgs/{org}/intake/{message}/archive",
           .summary = "Archive a message the hotline has handled: it leaves the default list (again: no change)",
           .roles = hotline,
           .response = "Archived",
           .returns = Schema{"IntakeArchived",
                             {out::number("id", "The message's number"), out::flag("archived", "Always true")}},
           .handler = archive_intake});

  api.add({.method = "GET",
           .path = "/orgs/{org}/access-trail",
           .summary = "The access trail, and whether its hash chain is intact and matches its anchors on the log",
           .roles = {Role::director},
           .query = {"after", "before", "limit"},
           .response = "Entries (query: after=SEQ for the rows after it, oldest first; or before=SEQ for the rows "
                       "before it, newest first, 0 for the newest; limit=1..1000, default 1000)",
           .returns = Schema{"AccessTrail",
                             {out::flag("intact", "Whether the whole hash chain verifies and matches every anchor "
                                                  "of it on the organisation's log (no row removed from its end or "
                                                  "rewritten up to the last anchor)"),
                              out::text("problem", "Where it breaks, when it does; else empty"),
                              out::object("anchored", "The latest anchor on the log, which the trail matches; absent "
                                                      "before the first (rows after it are not yet pinned)",
                                          {out::number("count", "Rows it covers"),
                                           out::number("record", "Its record (leaf index) on the log"),
                                           out::text("time", "When it was made, UTC")},
                                          false),
                              out::list("entries", "At most `limit` rows: after `after` oldest first, or before "
                                                   "`before` newest first",
                                        {out::number("seq", "Row number"), out::number("time", "Unix seconds"),
                                         out::text("actor", "user:N or anonymous"), out::text("action", "What was done"),
                                         out::text("target", "A pseudonymous code or a route, never a name"),
                                         out::text("outcome", "ok, failed, not-found, or the status"),
                                         out::text("hash", "The row's chained SHA-256")})}},
           .handler = access_trail});
}

}  // namespace amanat::api
