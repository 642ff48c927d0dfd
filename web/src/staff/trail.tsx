// The access trail (directors): first the verdict, whether its hash chain is intact and matches
// its anchors on the public log (a broken trail is a loud red panel), then every row, newest
// first, 50 at a time (the server pages newest first with `before`; rows are numbered 1..N, so
// the newest row's number is how many there are). Users are shown by name (the rows say user:N).
import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import type { Key, Lang } from "../i18n";
import { date, number } from "../i18n/fmt";
import { staffCall, type Session } from "./session";
import { roleKey } from "./users";

type Trail = Schemas["AccessTrail"];
type Row = Trail["entries"][number];

const page = 50;
const known = ["login", "logout", "change-password", "enrol-totp", "create-user", "create-user-pending", "change-role",
  "approve-grant", "grant-applied", "disable-user", "enable-user", "reset-password", "reset-totp", "revoke-sessions",
  "denied", "unseal", "unseal-share", "seal", "create-subject", "read-subject", "assign", "erase", "read-intake",
  "archive-intake", "read-file", "reset-password-pending", "reset-totp-pending"];

// "2025-03-21 14:05:09" in the reader's language, in the browser's time zone.
function when(lang: Lang, unix: number): string {
  const d = new Date(unix * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date(lang, day)}, ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// The anchor's time (ISO 8601, UTC) as the rows' times are shown; as given if it is not ISO.
function anchorTime(lang: Lang, iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : when(lang, Math.floor(ms / 1000));
}

export function TrailView(props: { session: Session }) {
  const { t, lang } = useT();
  const s = props.session;
  const [data, error] = useData(async () => {
    const [users, trail] = await Promise.all([
      staffCall<Schemas["Users"]>(s, "GET", "/users"),
      staffCall<Trail>(s, "GET", `/access-trail?before=0&limit=${page}`),
    ]);
    return { trail, names: new Map(users.users.map((u) => [`user:${u.id}`, u.name])) };
  }, [s.org]);
  const [older, setOlder] = useState<Row[]>([]);
  const [loading, setLoading] = useState<{ busy: boolean; error?: unknown; done?: boolean }>({ busy: false });
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { trail, names } = data;
  const rows = [...trail.entries, ...older];
  const total = rows[0]?.seq ?? 0;
  const oldest = rows[rows.length - 1]?.seq ?? 0;
  const loadOlder = async () => {
    setLoading({ busy: true });
    try {
      const next = await staffCall<Trail>(s, "GET", `/access-trail?before=${oldest}&limit=${page}`);
      setOlder((o) => [...o, ...next.entries]);
      setLoading({ busy: false, done: next.entries.length < page });
    } catch (e) {
      setLoading({ busy: false, error: e });
    }
  };
  // user:N becomes the name, role:R the role in the reader's language.
  const words = (text: string) =>
    text
      .split(" ")
      .map((w) => names.get(w) ?? (w.startsWith("role:") ? `(${t(roleKey(w.slice(5) as Parameters<typeof roleKey>[0]))})` : w))
      .join(" ");
  const action = (a: string) => (known.includes(a) ? t(`admin.trail.act.${a}` as Key) : a);
  return (
    <>
      <h1>{t("admin.trail.heading")}</h1>
      {trail.intact ? (
        <div class="verdict ok" role="status">
          <h2>{t("admin.trail.intact")}</h2>
          <p>
            {trail.anchored
              ? t("admin.trail.anchored", { count: number(lang, trail.anchored.count), record: trail.anchored.record,
                  time: anchorTime(lang, trail.anchored.time) })
              : t("admin.trail.notAnchored")}
          </p>
        </div>
      ) : (
        <div class="verdict bad" role="alert">
          <h2>{t("admin.trail.broken")}</h2>
          <p>{t("admin.trail.brokenAbout")}</p>
          {trail.problem && (
            <p>
              {t("admin.trail.where")} <code>{trail.problem}</code>
            </p>
          )}
        </div>
      )}
      <h2>{t("admin.trail.rows", { n: number(lang, total) }, total)}</h2>
      {rows.length === 0 ? <p>{t("appeal.none")}</p> : (
        <table class="cards trail">
          <thead>
            <tr>
              <th scope="col">{t("admin.trail.seq")}</th>
              <th scope="col">{t("admin.trail.time")}</th>
              <th scope="col">{t("admin.trail.actor")}</th>
              <th scope="col">{t("admin.trail.action")}</th>
              <th scope="col">{t("admin.trail.target")}</th>
              <th scope="col">{t("admin.trail.outcome")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r: Row) => (
              <tr key={r.seq} class={r.outcome === "ok" ? undefined : "failed"}>
                <td class="num" data-label={t("admin.trail.seq")}>{r.seq}</td>
                <td data-label={t("admin.trail.time")}>{when(lang, r.time)}</td>
                <td data-label={t("admin.trail.actor")}>
                  {r.actor === "anonymous" ? t("admin.trail.anonymous") : r.actor === "console" ? t("admin.trail.console") : words(r.actor)}
                </td>
                <td data-label={t("admin.trail.action")}>{action(r.action)}</td>
                <td data-label={t("admin.trail.target")}>{words(r.target)}</td>
                <td data-label={t("admin.trail.outcome")}>{r.outcome === "ok" ? t("admin.trail.ok") : r.outcome === "failed" ? t("admin.trail.failed") : r.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loading.error !== undefined && <ErrorBox error={loading.error} />}
      {oldest > 1 && !loading.done && (
        <button type="button" disabled={loading.busy} onClick={loadOlder}>
          {t("staff.donations.more")}
        </button>
      )}
    </>
  );
}
