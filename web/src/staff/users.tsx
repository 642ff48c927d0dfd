// Users and roles: every staff account (role, status, authenticator), adding one, and for each
// account changing the role, disabling or enabling it, resetting its password or authenticator,
// ending its sessions. Directors manage everyone but themselves; admins manage staff who are
// neither director nor admin (the server decides; the screen only leaves out what it would
// refuse). Where the vault is split into shares, a director's or admin's role waits for that
// many directors (a grant): the waiting grants are listed, with Approve for the other directors.
// Disabling, ending sessions and resetting an authenticator ask once more before they happen.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import type { Key } from "../i18n";
import { Choice, Outcome, Text, useSubmit } from "./forms";
import { may, privileged, roles, staffCall, type Role, type Session } from "./session";

type Account = Schemas["Users"]["users"][number];
type Granted = Schemas["UserGranted"];
type Grant = Schemas["Grants"]["grants"][number];
type Reset = Schemas["PasswordReset"] | Schemas["TotpReset"];

export const roleKey = (r: Role) => `staff.role.${r}` as Key;

export function UsersView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const director = may.manageAll(s.user.role);
  const [data, error, reload] = useData(async () => {
    const [u, g] = await Promise.all([
      staffCall<Schemas["Users"]>(s, "GET", "/users"),
      director ? staffCall<Schemas["Grants"]>(s, "GET", "/grants") : Promise.resolve<Schemas["Grants"]>({ grants: [], approvals_needed: 1 }),
    ]);
    return { users: u.users, grants: g.grants, grants_needed: g.approvals_needed };
  }, [s.org]);
  const [selected, setSelected] = useState<number | undefined>();
  const [approve, approveState] = useSubmit();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const byId = new Map(data.users.map((u) => [u.id, u]));
  const nameOf = (id: number) => byId.get(id)?.name ?? `#${id}`;
  // Users waiting for a role (a reset's grant leaves the user as they are until it applies).
  const waiting = new Map(data.grants.filter((g) => g.kind === "role").map((g) => [g.user, g]));
  // What this role may touch: never oneself; an admin, nobody privileged.
  const manageable = (u: Account) => u.id !== s.user.id && (director || (!privileged(u.role) && !waiting.has(u.id)));
  const chosen = selected !== undefined ? byId.get(selected) : undefined;
  const onApprove = (g: Grant) =>
    approve(async () => {
      const r = await staffCall<Granted>(s, "POST", `/grants/${g.id}/approvals`, {});
      reload();
      return <GrantOutcome granted={r} />;
    });
  return (
    <>
      <h1>{t("admin.users.heading")}</h1>
      <AddUser session={s} onAdded={reload} />
      {director && data.grants.length > 0 && (
        <section aria-labelledby="grants">
          <h2 id="grants">{t("admin.grants.heading")}</h2>
          <p>{t("admin.grants.intro")}</p>
          <table class="cards">
            <thead>
              <tr>
                <th scope="col">{t("admin.users.name")}</th>
                <th scope="col">{t("admin.grants.role")}</th>
                <th scope="col">{t("admin.grants.by")}</th>
                <th scope="col">{t("admin.grants.approvals")}</th>
                <th scope="col">
                  <span class="sr-only">{t("admin.users.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.grants.map((g) => (
                <tr key={g.id}>
                  <td data-label={t("admin.users.name")}>{nameOf(g.user)}</td>
                  <td data-label={t("admin.grants.role")}>{g.kind === "role" ? t(roleKey(g.role)) : t(resetKey[g.kind])}</td>
                  <td data-label={t("admin.grants.by")}>{nameOf(g.requested_by)}</td>
                  <td data-label={t("admin.grants.approvals")}>
                    {g.approvals.map(nameOf).join(", ")} ({t("admin.grants.ofNeeded", { n: g.approvals.length, k: data.grants_needed })})
                  </td>
                  <td data-label={t("admin.users.actions")}>
                    {g.approvals.includes(s.user.id) ? t("admin.grants.yours") : g.user === s.user.id ? "—" : (
                      <button type="button" class="small" disabled={approveState.saving} onClick={() => onApprove(g)}>
                        {t("admin.grants.approve", { name: nameOf(g.user) })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Outcome state={approveState} />
      <h2>{t("admin.users.list")}</h2>
      <table class="cards users">
        <thead>
          <tr>
            <th scope="col">{t("admin.users.name")}</th>
            <th scope="col">{t("admin.users.role")}</th>
            <th scope="col">{t("admin.users.status")}</th>
            <th scope="col">{t("admin.users.totp")}</th>
            <th scope="col">
              <span class="sr-only">{t("admin.users.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.users.map((u) => {
            const g = waiting.get(u.id);
            return (
              <tr key={u.id} class={u.disabled ? "off" : undefined}>
                <th scope="row" data-label={t("admin.users.name")}>
                  {u.name}
                  {u.id === s.user.id && <> ({t("admin.users.you")})</>}
                </th>
                <td data-label={t("admin.users.role")}>
                  {/* A new account waiting for its role holds a placeholder role: show only the one asked for. */}
                  {g && u.disabled ? t(roleKey(g.role)) : t(roleKey(u.role))}
                  {g && !u.disabled && <> → {t(roleKey(g.role))}</>}
                </td>
                <td data-label={t("admin.users.status")}>
                  {t(g ? "admin.users.waiting" : u.disabled ? "admin.users.disabled" : "admin.users.active")}
                </td>
                <td data-label={t("admin.users.totp")}>{t(u.totp ? "admin.users.totpYes" : "admin.users.totpNo")}</td>
                <td data-label={t("admin.users.actions")}>
                  {manageable(u) && (
                    <button type="button" class="small" aria-expanded={selected === u.id} onClick={() => setSelected(selected === u.id ? undefined : u.id)}>
                      {t("admin.users.manage")}
                      <span class="sr-only"> {u.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {chosen && manageable(chosen) && (
        <Manage key={chosen.id} session={s} user={chosen} waiting={waiting.has(chosen.id)} onChanged={reload} onClose={() => setSelected(undefined)} />
      )}
    </>
  );
}

// What the server answered to a role given: done, or waiting for more directors.
const resetKey = { password: "admin.grants.resetPassword", totp: "admin.grants.resetTotp" } as const;

// A reset of a director's or admin's password or authenticator: done, or waiting for more
// directors (with the vault in k-of-n shares).
function ResetOutcome(props: { reset: Reset; name: string; done: Key }) {
  const { t } = useT();
  const r = props.reset;
  if (!r.pending) return <p>{t(props.done, { name: props.name })}</p>;
  const more = Math.max(r.approvals_needed - r.pending.approvals.length, 1);
  return <p>{t("admin.grants.resetPending", { name: props.name, n: more }, more)}</p>;
}

function GrantOutcome(props: { granted: Granted; done?: Key }) {
  const { t } = useT();
  const g = props.granted;
  if (!g.pending) return <p>{t(props.done ?? "admin.grants.applied", { name: g.user.name, role: t(roleKey(g.user.role)) })}</p>;
  const more = Math.max(g.approvals_needed - g.pending.approvals.length, 1);
  return (
    <p>
      {t("admin.grants.pending", { name: g.user.name, role: t(roleKey(g.pending.role)), n: more }, more)}
    </p>
  );
}

// A password the director can read out or hand over: 20 characters from 31 that are not easily
// confused (about 99 bits), in groups of five.
function randomPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(40));
  let out = "";
  for (const b of bytes) {
    if (b >= 248) continue;  // 248 = 8 * 31: no bias
    if (out.length % 6 === 5) out += "-";
    out += alphabet[b % 31];
    if (out.length === 23) break;
  }
  return out.length === 23 ? out : randomPassword();
}

// A new password typed, or made here and shown, for someone else.
function NewPassword(props: { label: string; value: string; set: (v: string) => void }) {
  const { t } = useT();
  return (
    <div class="stack">
      <Text label={props.label} value={props.value} set={props.set} hint={t("admin.users.passwordHint")} maxLength={256} />
      <button type="button" class="secondary" onClick={() => props.set(randomPassword())}>
        {t("admin.users.generate")}<span class="sr-only">: {props.label}</span>
      </button>
    </div>
  );
}

function AddUser(props: { session: Session; onAdded: () => void }) {
  const { t } = useT();
  const s = props.session;
  const offered = roles.filter((r) => may.manageAll(s.user.role) || !privileged(r));
  const [name, setName] = useState("");
  const [role, setRole] = useState<string>("case_worker");
  const [password, setPassword] = useState("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const r = await staffCall<Granted>(s, "POST", "/users", { name: name.trim(), role, password });
      props.onAdded();
      setName(""), setPassword("");
      return <GrantOutcome granted={r} done="admin.users.added" />;
    });
  };
  return (
    <details class="panel">
      <summary>{t("admin.users.add")}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("admin.users.name")} value={name} set={setName} hint={t("admin.users.nameHint")} maxLength={64} />
        <Choice label={t("admin.users.role")} value={role} set={setRole} options={offered.map((r) => [r, t(roleKey(r))])} />
        <NewPassword label={t("admin.users.password")} value={password} set={setPassword} />
        <button type="submit" disabled={state.saving}>
          {t("admin.users.addSubmit")}
        </button>
        <Outcome state={state} />
      </form>
    </details>
  );
}

// One account's actions. Focus goes to its heading when it opens, and to the answer after each
// action (the buttons that asked for it may be gone).
function Manage(props: { session: Session; user: Account; waiting: boolean; onChanged: () => void; onClose: () => void }) {
  const { t } = useT();
  const s = props.session;
  const u = props.user;
  const director = may.manageAll(s.user.role);
  const [role, setRole] = useState<string>(u.role);
  const [password, setPassword] = useState("");
  const [asking, setAsking] = useState<"disable" | "revoke" | "totp" | undefined>();
  const [run, state] = useSubmit();
  const heading = useRef<HTMLHeadingElement>(null);
  const answer = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (state.ok || state.error) answer.current?.focus();
  }, [state]);
  const path = `/users/${u.id}`;
  const act = (fn: () => Promise<ComponentChildren>) =>
    run(async () => {
      const out = await fn();
      setAsking(undefined);
      props.onChanged();
      return out;
    });
  const changeRole = (e: Event) => {
    e.preventDefault();
    act(async () => <GrantOutcome granted={await staffCall<Granted>(s, "POST", `${path}/role`, { role })} />);
  };
  const resetPassword = (e: Event) => {
    e.preventDefault();
    act(async () => {
      const r = await staffCall<Schemas["PasswordReset"]>(s, "POST", `${path}/password`, { password });
      setPassword("");
      return <ResetOutcome reset={r} name={u.name} done="admin.users.passwordReset" />;
    });
  };
  const setEnabled = (enabled: boolean) =>
    act(async () => {
      await staffCall(s, "POST", `${path}/status`, { enabled });
      return <p>{t(enabled ? "admin.users.enabled" : "admin.users.disabledNow", { name: u.name })}</p>;
    });
  const revoke = () =>
    act(async () => {
      await staffCall(s, "DELETE", `${path}/sessions`);
      return <p>{t("admin.users.revoked", { name: u.name })}</p>;
    });
  const resetTotp = () =>
    act(async () => {
      const r = await staffCall<Schemas["TotpReset"]>(s, "DELETE", `${path}/totp`);
      return <ResetOutcome reset={r} name={u.name} done="admin.users.totpReset" />;
    });
  const offered = roles.filter((r) => director || !privileged(r));
  return (
    <section class="panel manage" aria-labelledby="manage">
      <h2 id="manage" tabIndex={-1} ref={heading}>
        {t("admin.users.manageHeading", { name: u.name })}
      </h2>
      <div ref={answer} tabIndex={-1} class="answer">
        <Outcome state={state} />
      </div>
      {!props.waiting && (
        <form class="stack narrow" onSubmit={changeRole}>
          <Choice label={t("admin.users.newRole")} value={role} set={setRole} options={offered.map((r) => [r, t(roleKey(r))])} />
          {director && privileged(role as Role) && <p class="hint">{t("admin.users.privilegedHint")}</p>}
          <button type="submit" disabled={state.saving || role === u.role}>
            {t("admin.users.changeRole")}
          </button>
        </form>
      )}
      <h3>{t("admin.users.access")}</h3>
      <div class="stack narrow">
        {u.disabled ? (
          <button type="button" disabled={state.saving} onClick={() => setEnabled(true)}>
            {t("admin.users.enable", { name: u.name })}
          </button>
        ) : (
          <TwoStep label={t("admin.users.disable", { name: u.name })} question={t("admin.users.disableAsk", { name: u.name })}
            open={asking === "disable"} setOpen={(o) => setAsking(o ? "disable" : undefined)} busy={state.saving}
            onYes={() => setEnabled(false)} />
        )}
        <TwoStep label={t("admin.users.revoke", { name: u.name })} question={t("admin.users.revokeAsk", { name: u.name })}
          open={asking === "revoke"} setOpen={(o) => setAsking(o ? "revoke" : undefined)} busy={state.saving} onYes={revoke} />
        {director && u.totp && (
          <TwoStep label={t("admin.users.resetTotp", { name: u.name })} question={t("admin.users.resetTotpAsk", { name: u.name })}
            open={asking === "totp"} setOpen={(o) => setAsking(o ? "totp" : undefined)} busy={state.saving} onYes={resetTotp} />
        )}
      </div>
      {director && (
        <>
          <h3>{t("admin.users.resetPassword")}</h3>
          <form class="stack narrow" onSubmit={resetPassword}>
            <NewPassword label={t("admin.users.newPassword", { name: u.name })} value={password} set={setPassword} />
            <button type="submit" disabled={state.saving}>
              {t("admin.users.resetPasswordSubmit")}
            </button>
          </form>
        </>
      )}
      <p>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t("admin.close")}
        </button>
      </p>
    </section>
  );
}

// A destructive action asked for twice: the button, then a question with "yes" and "cancel".
// Focus goes to "yes" when the question opens, and back to the button when it is cancelled.
export function TwoStep(props: {
  label: string;
  question: string;
  yes?: string;
  open: boolean;
  setOpen: (open: boolean) => void;
  busy: boolean;
  onYes: () => void;
}) {
  const { t } = useT();
  const yes = useRef<HTMLButtonElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  const was = useRef(false);
  useEffect(() => {
    if (props.open) yes.current?.focus();
    else if (was.current && document.activeElement === document.body) start.current?.focus();
    was.current = props.open;
  }, [props.open]);
  if (!props.open)
    return (
      <button type="button" class="danger-outline" ref={start} onClick={() => props.setOpen(true)}>
        {props.label}
      </button>
    );
  return (
    <div class="confirm" role="group" aria-label={props.label}>
      <p>{props.question}</p>
      <div class="buttons">
        <button type="button" class="danger" ref={yes} disabled={props.busy} onClick={props.onYes}>
          {props.yes ?? props.label}
        </button>
        <button type="button" class="secondary" onClick={() => props.setOpen(false)}>
          {t("admin.cancel")}
        </button>
      </div>
    </div>
  );
}
