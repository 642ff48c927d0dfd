// Identities over HTTP (api/identities.h): the vault's state, unsealing and sealing; subjects
// (created, read case-scoped, assigned, erased); the public intake form and reading it; the
// access trail for directors. Every identity read and every change is recorded in the trail.
#include "api/api.h"
#include "core/bytes.h"

namespace amanat::api {

using ojson = nlohmann::ordered_json;

namespace {

std::string actor(const Call& c) { return c.session ? "user:" + std::to_string(c.session->user.id) : "anonymous"; }

// Identity routes fail clearly while the vault is sealed: 423 Locked, not a 5xx.
std::optional<http::Response> unless_unsealed(Call& c) {
  if (!c.org.identities || !c.org.identities->has_vault())
    return http::problem_response(409, "this organisation has no vault yet; run `amanat vault init --data DIR`");
  if (c.org.identities->sealed())
    return http::problem_response(423, "the vault is sealed: a director must unseal it before identities can be used");
  return std::nullopt;
}

Field personal(const char* name, const char* what) {
  Field f{name, Field::Type::string, false, what, 0, identity::kMaxFieldBytes};
  return f;
}

}  // namespace

void add_identity_routes(Api& api) {
  const std::vector<Role> everyone(std::begin(kAllRoles), std::end(kAllRoles));
  const std::vector<Role> keyholders = {Role::director, Role::admin};

  api.add(Route{"GET", "/orgs/{org}/vault", "Whether the organisation's vault exists and is sealed", false, everyone,
                false, std::nullopt, 200, "The vault's state", [](Call& c) -> Result<http::Response> {
                  bool has = c.org.identities && c.org.identities->has_vault();
                  return json_response(200, {{"vault", has}, {"sealed", !has || c.org.identities->sealed()}});
                }});

  api.add(Route{"POST", "/orgs/{org}/vault/unseal",
                "Unseal with the passphrase, or add one director's Shamir share (unsealed once k are in)", false,
                keyholders, false,
                Schema{"Unseal",
                       {Field{"passphrase", Field::Type::string, false, "The vault's passphrase", 0, 1024},
                        Field{"share", Field::Type::string, false, "One share text (amanat-share-v1-...)", 0, 300}}},
                200, "sealed=false, or how many shares are still needed", [](Call& c) -> Result<http::Response> {
                  if (!c.org.identities || !c.org.identities->has_vault())
                    return http::problem_response(409, "this organisation has no vault yet");
                  bool pass = c.body.contains("passphrase"), share = c.body.contains("share");
                  if (pass == share)
                    return http::problem_response(400, "give either a passphrase or a share",
                                                  {{"/passphrase", "exactly one of passphrase and share"}});
                  if (pass) {
                    auto st = c.org.identities->unseal_with_passphrase(c.body["passphrase"]);
                    c.org.identities->record(actor(c), "unseal", "vault", st ? "ok" : "failed");
                    if (!st) return http::problem_response(400, "the vault did not unseal", {{"/passphrase", st.error().message}});
                    return json_response(200, {{"sealed", false}});
                  }
                  auto need = c.org.identities->add_share(c.body["share"]);
                  c.org.identities->record(actor(c), "unseal-share", "vault", need ? "ok" : "failed");
                  if (!need) return http::problem_response(400, "the vault did not unseal", {{"/share", need.error().message}});
                  return json_response(200, {{"sealed", *need > 0}, {"shares_needed", *need}});
                }});

  api.add(Route{"POST", "/orgs/{org}/vault/seal", "Seal the vault now (e.g. when a raid is feared)", false, keyholders,
                false, std::nullopt, 200, "Sealed", [](Call& c) -> Result<http::Response> {
                  if (c.org.identities) {
                    c.org.identities->seal();
                    c.org.identities->record(actor(c), "seal", "vault", "ok");
                  }
                  return json_response(200, {{"sealed", true}});
                }});

  std::vector<Field> subject_fields = {one_of("kind", "survivor, or a donor who agreed to be known", {"survivor", "donor"})};
  subject_fields.push_back(personal("name", "Name, as the person gave it"));
  subject_fields.push_back(personal("phone", "Phone"));
  subject_fields.push_back(personal("contact", "Another safe way to reach them"));
  subject_fields.push_back(personal("address", "Address"));
  subject_fields.push_back(personal("notes", "Notes"));
  api.add(Route{"POST", "/orgs/{org}/subjects", "Create a subject: a pseudonymous code and sealed personal fields",
                false, {Role::hotline_operator, Role::case_worker, Role::director}, false,
                Schema{"SubjectInput", subject_fields}, 201, "The subject's pseudonymous code",
                [](Call& c) -> Result<http::Response> {
                  if (auto p = unless_unsealed(c)) return *p;
                  std::vector<std::pair<std::string, std::string>> fields;
                  for (const char* f : identity::kSubjectFields)
                    if (c.body.contains(f)) fields.emplace_back(f, c.body[f].get<std::string>());
                  auto s = c.org.identities->create(c.session->user, c.body["kind"], fields);
                  if (!s) return err(s);
                  c.org.identities->record(actor(c), "create-subject", s->code, "ok");
                  return json_response(201, {{"code", s->code}, {"kind", s->kind}});
                }});

  api.add(Route{"GET", "/orgs/{org}/subjects/{code}",
                "Read a subject's personal fields (directors: any; others: those they created or were assigned)",
                false, {Role::hotline_operator, Role::case_worker, Role::lawyer, Role::director}, false, std::nullopt,
                200, "The subject", [](Call& c) -> Result<http::Response> {
                  if (auto p = unless_unsealed(c)) return *p;
                  const std::string& code = c.params.at("code");
                  auto s = c.org.identities->read(c.session->user, code);
                  // Recorded with the code asked for, whether or not it exists or was allowed.
                  c.org.identities->record(actor(c), "read-subject", code.substr(0, 16), s ? "ok" : "not-found");
                  if (!s) return err(s);
                  ojson fields = ojson::object();
                  for (const auto& [k, v] : s->fields) fields[k] = v;
                  return json_response(200, {{"code", s->code}, {"kind", s->kind}, {"erased", s->erased}, {"fields", fields}});
                }});

  api.add(Route{"POST", "/orgs/{org}/subjects/{code}/assignments", "Give a staff member access to a subject", false,
                {Role::director}, false, Schema{"Assignment", {integer("user", "The user's id", 1, 1'000'000'000)}},
                200, "Assigned", [](Call& c) -> Result<http::Response> {
                  if (!c.org.identities) return fail(Errc::not_found, "no such subject");
                  auto st = c.org.identities->assign(c.params.at("code"), c.body["user"].get<std::int64_t>());
                  if (!st) return err(st);
                  c.org.identities->record(actor(c), "assign", c.params.at("code"),
                                           "user:" + std::to_string(c.body["user"].get<std::int64_t>()));
                  return json_response(200, {{"assigned", true}});
                }});

  api.add(Route{"DELETE", "/orgs/{org}/subjects/{code}",
                "Erase a subject: its data key is destroyed, its fields can never be read again", false,
                {Role::director}, false, std::nullopt, 200, "Erased", [](Call& c) -> Result<http::Response> {
                  if (!c.org.identities) return fail(Errc::not_found, "no such subject");
                  auto st = c.org.identities->erase(c.params.at("code"));
                  if (!st) return err(st);
                  c.org.identities->record(actor(c), "erase", c.params.at("code"), "ok");
                  return json_response(200, {{"erased", true}});
                }});

  api.add(Route{"POST", "/orgs/{org}/intake",
                "The public form: a first message, sealed to the organisation's key (unreadable until unsealed)", true,
                {}, false, Schema{"IntakeMessage", {str("message", "The message", 8000)}}, 202,
                "Received", [](Call& c) -> Result<http::Response> {
                  if (!c.org.identities || !c.org.identities->has_vault())
                    return http::problem_response(409, "this organisation does not take messages here yet");
                  auto id = c.org.identities->intake(c.body["message"]);
                  if (!id) return err(id);
                  return json_response(202, {{"received", true}});
                }});

  api.add(Route{"GET", "/orgs/{org}/intake", "Read the intake messages", false, {Role::director, Role::hotline_operator},
                false, std::nullopt, 200, "The messages", [](Call& c) -> Result<http::Response> {
                  if (auto p = unless_unsealed(c)) return *p;
                  auto ms = c.org.identities->read_intake();
                  c.org.identities->record(actor(c), "read-intake", "intake", ms ? "ok" : "failed");
                  if (!ms) return err(ms);
                  ojson list = ojson::array();
                  for (const auto& [id, m] : *ms) list.push_back({{"id", id}, {"message", m}});
                  return json_response(200, {{"messages", list}});
                }});

  api.add(Route{"GET", "/orgs/{org}/access-trail", "The access trail, and whether its hash chain is intact", false,
                {Role::director}, false, std::nullopt, 200, "Entries (query: after=SEQ)",
                [](Call& c) -> Result<http::Response> {
                  if (!c.org.identities) return fail(Errc::not_found, "no access trail");
                  std::int64_t after = 0;
                  if (c.req.query.rfind("after=", 0) == 0) {
                    auto v = parse_decimal(std::string_view(c.req.query).substr(6));
                    if (!v) return http::problem_response(400, "after: a record number", {{"after", "a record number"}});
                    after = static_cast<std::int64_t>(*v);
                  }
                  auto verified = c.org.identities->verify_trail();
                  auto entries = c.org.identities->trail(after, 1000);
                  if (!entries) return err(entries);
                  ojson list = ojson::array();
                  for (const auto& e : *entries)
                    list.push_back({{"seq", e.seq}, {"time", e.time}, {"actor", e.actor}, {"action", e.action},
                                    {"target", e.target}, {"outcome", e.outcome}, {"hash", e.hash}});
                  return json_response(200, {{"intact", verified.has_value()},
                                             {"problem", verified ? "" : verified.error().message},
                                             {"entries", list}});
                },
                {"after"}});
}

}  // namespace amanat::api
