// The guidance for a situation (GET /orgs/{org}/protocols), as the hotline form shows it beside
// the form and the public help page shows it to survivors: the disclaimer first, the time since
// the incident with the 72 h and 120 h deadlines and a badge for the window it falls in, then
// each protocol's title and steps in the reader's language, with who reviewed it (or "not
// reviewed yet"). Public route: no session needed.
import { useEffect, useState } from "preact/hooks";
import { call, type Schemas } from "./api/client";
import { ErrorBox, Loading, useT } from "./common";
import type { Lang } from "./i18n";
import { date, dateTime, number } from "./i18n/fmt";

export type Protocols = Schemas["Protocols"];
type Labels = { en: string; ru: string; kk: string };
export const pick = (lang: Lang, l: Labels) => l[lang] || l.en;

export interface Situation {
  audience: "public" | "operator";
  category?: string;
  incidentAt?: number;  // unix seconds
  child?: boolean;
  ipv?: boolean;
}

export function protocolQuery(s: Situation): string {
  const q = new URLSearchParams({ audience: s.audience });
  if (s.category) q.set("category", s.category);
  if (s.incidentAt !== undefined) q.set("incident_at", String(s.incidentAt));
  if (s.child) q.set("child", "true");
  if (s.ipv) q.set("ipv", "true");
  return q.toString();
}

// The protocols for `s`, fetched again whenever it changes; `onShown` gets "id@version" of the
// first one shown (the hotline form records it), or "" when none.
export function useProtocols(org: string, s: Situation, onShown?: (ref: string) => void) {
  const query = protocolQuery(s);
  const [state, setState] = useState<{ data?: Protocols; error?: unknown; query?: string }>({});
  useEffect(() => {
    let live = true;
    call<Protocols>(`/orgs/${encodeURIComponent(org)}/protocols?${query}`).then(
      (data) => {
        if (!live) return;
        setState({ data, query });
        const first = data.protocols[0];
        onShown?.(first ? `${first.id}@${first.version}` : "");
      },
      (error) => live && setState({ error, query }),
    );
    return () => {
      live = false;
    };
  }, [org, query]);
  return state;
}

const bucketClass: Record<string, string> = { "0_72h": "urgent", "72_120h": "soon", "120h_14d": "late", over_14d: "late" };

export function Windows(props: { w: NonNullable<Protocols["windows"]> }) {
  const { t, lang } = useT();
  const w = props.w;
  const at = (s: number) => dateTime(lang, new Date(s * 1000).toISOString());
  const badge =
    w.bucket === "0_72h" ? t("protocol.within72") : w.bucket === "72_120h" ? t("protocol.within120") : w.bucket === "unknown" ? "" : t("protocol.past120");
  return (
    <div class="windows">
      {badge && <p class={`badge ${bucketClass[w.bucket] ?? ""}`}>{badge}</p>}
      <dl class="figures">
        <div>
          <dt>{t("protocol.elapsed")}</dt>
          <dd>{t("protocol.hours", { n: number(lang, w.hours_elapsed) }, w.hours_elapsed)}</dd>
        </div>
        <div>
          <dt>{t("protocol.deadline72")}</dt>
          <dd>{at(w.deadline_72h)}</dd>
        </div>
        <div>
          <dt>{t("protocol.deadline120")}</dt>
          <dd>{at(w.deadline_120h)}</dd>
        </div>
      </dl>
    </div>
  );
}

export function ProtocolList(props: { data: Protocols; headingLevel?: 2 | 3; noDisclaimer?: boolean }) {
  const { t, lang } = useT();
  const d = props.data;
  const H = props.headingLevel === 2 ? "h2" : "h3";
  return (
    <>
      {!props.noDisclaimer && (
        <p class="disclaimer" role="note">
          <strong>{pick(lang, d.disclaimer)}</strong>
        </p>
      )}
      {d.windows && <Windows w={d.windows} />}
      {d.protocols.length === 0 && <p>{t("protocol.none")}</p>}
      {d.protocols.map((p) => (
        <article class="protocol" key={p.id} lang={lang}>
          <H>{pick(lang, p.title)}</H>
          <p class="meta">
            {p.id} · {t("protocol.version", { n: p.version })} ·{" "}
            {p.reviewed_by.length === 0 ? (
              <span class="badge unreviewed">{t("protocol.unreviewed")}</span>
            ) : (
              t("protocol.reviewed", {
                who: p.reviewed_by.map((r) => `${r.name} (${r.role}, ${date(lang, r.date)})`).join("; "),
              })
            )}
          </p>
          <ol class="steps">
            {p.steps.map((s, i) => (
              <li key={i}>{pick(lang, s)}</li>
            ))}
          </ol>
          {p.sources.length > 0 && (
            <details>
              <summary>{t("protocol.sources")}</summary>
              <ul class="sources">
                {p.sources.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </details>
          )}
        </article>
      ))}
    </>
  );
}

// The panel: loading, error, or the list.
export function ProtocolPanel(props: {
  org: string;
  situation: Situation;
  onShown?: (ref: string) => void;
  headingLevel?: 2 | 3;
  noDisclaimer?: boolean;
}) {
  const state = useProtocols(props.org, props.situation, props.onShown);
  if (state.error) return <ErrorBox error={state.error} />;
  if (!state.data) return <Loading />;
  return (
    <div aria-live="polite" aria-busy={state.query !== protocolQuery(props.situation)}>
      <ProtocolList data={state.data} headingLevel={props.headingLevel} noDisclaimer={props.noDisclaimer} />
    </div>
  );
}

// A datetime-local input's value ("2026-12-07T09:30", the browser's local time) in unix seconds.
export function localToUnix(v: string): number | undefined {
  if (!v) return undefined;
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

// Now as a datetime-local value, `hoursAgo` hours back.
export function localNow(hoursAgo = 0): string {
  const d = new Date(Date.now() - hoursAgo * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
