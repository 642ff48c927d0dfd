// Posts about the organisation's work and its cases (GET /publications/staff): each with its
// channel, address, when it went up, the exact text, its sources and how each was verified, the
// consent it relies on and its log entry, and every correction, disclaimer, archival or
// retraction since, with theirs. Communications and directors record a post and its changes (a
// retraction asks a second time: nothing changes a retracted post); a lawyer reads.
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading } from "../../common";
import { dateTime } from "../../i18n/fmt";
import { Field, Outcome, Text, useSubmit } from "../forms";
import { More, usePages } from "../lists";
import { may, staffCall, type Session } from "../session";
import { TwoStep } from "../users";
import { lists, Rows, Select, useLabels } from "./ui";

type Page = Schemas["StaffPublicationPage"];
type Post = Page["publications"][number];
type Change = Schemas["PublicationChange"];
type Input = Schemas["PublicationInput"];

export function PublicationsView(props: { session: Session }) {
  const { t } = useLabels();
  const s = props.session;
  const write = may.publicationsWrite(s.user.role);
  const { pages, error, more } = usePages<Page>(s, "/publications/staff", "");
  const rows = pages.flatMap((p) => p.publications);
  // Posts recorded on this page, and changes made to any post here, shown as they are now.
  const [added, setAdded] = useState<Post[]>([]);
  const [changes, setChanges] = useState<Record<number, Change[]>>({});
  const all = [...added.filter((a) => !rows.some((r) => r.log_index === a.log_index)), ...rows];
  return (
    <>
      <h1>{t("desk.pubs.heading")}</h1>
      <p>{t("desk.pubs.intro")}</p>
      {write && <RecordPost session={s} done={(p) => setAdded((x) => [p, ...x])} />}
      <h2 id="posts">{t("desk.pubs.list")}</h2>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : all.length === 0 ? (
        <p>{t("desk.pubs.none")}</p>
      ) : (
        <ul class="posts">
          {all.map((p) => (
            <PostCard key={p.log_index} session={s} post={p} write={write}
              extra={changes[p.log_index] ?? []}
              changed={(c) => setChanges((m) => ({ ...m, [p.log_index]: [...(m[p.log_index] ?? []), c] }))} />
          ))}
        </ul>
      )}
      <More more={more} />
    </>
  );
}

function PostCard(props: { session: Session; post: Post; write: boolean; extra: Change[]; changed: (c: Change) => void }) {
  const { t, lang } = useLabels();
  const p = props.post;
  const changes = [...p.changes, ...props.extra.filter((c) => !p.changes.some((x) => x.log_index === c.log_index))];
  const retracted = changes.some((c) => c.kind === "retraction");
  return (
    <li class="card post">
      <h3>
        {t(`pubs.channel.${p.channel as "other"}`)} · {dateTime(lang, p.posted)}
        {retracted && <> <span class="badge late">{t("pubs.kind.retraction")}</span></>}
      </h3>
      <p class="url"><a href={p.url} rel="noopener noreferrer">{p.url}</a></p>
      <blockquote class="post-text">{p.text}</blockquote>
      <dl class="figures">
        <div><dt>{t("desk.pubs.entry")}</dt><dd>{p.log_index}</dd></div>
        <div><dt>{t("desk.pubs.consent")}</dt><dd>{consentText(t, p)}</dd></div>
      </dl>
      <p class="hash"><span class="muted">{t("pubs.commitment")}:</span> <code>{p.commitment}</code></p>
      {p.sources.length > 0 && (
        <>
          <h4>{t("desk.pubs.sources")}</h4>
          <ul class="sources">
            {p.sources.map((x, i) => (
              <li key={i}>{x.source} — <span class="muted">{t("desk.pubs.verified")}:</span> {x.verified}</li>
            ))}
          </ul>
        </>
      )}
      <h4>{t("desk.pubs.changes")}</h4>
      {changes.length === 0 ? <p class="muted">{t("desk.pubs.noChanges")}</p> : (
        <ol class="changes">
          {changes.map((c) => (
            <li key={c.log_index}>
              <strong>{t(`pubs.kind.${c.kind as "correction"}`)}</strong> · {dateTime(lang, c.at)} · {t("pubs.entry", { n: c.log_index })}
              {"text" in c && (c as { text?: string }).text && <div class="post-text">{(c as { text?: string }).text}</div>}
            </li>
          ))}
        </ol>
      )}
      {props.write && <ChangePost session={props.session} post={p} retracted={retracted} done={props.changed} />}
    </li>
  );
}

// The consent a post relies on (its consent_basis and case), in the reader's language.
function consentText(t: ReturnType<typeof useLabels>["t"], p: Post): string {
  return p.consent_basis === "case-consent-to-publish" && p.case
    ? t("desk.pubs.caseConsent", { code: p.case })
    : t("desk.pubs.noConsent");
}

// A datetime-local value as the UTC time the server takes (YYYY-MM-DDTHH:MM:SSZ).
const toUtc = (local: string) => new Date(local).toISOString().replace(/\.\d{3}Z$/, "Z");

function RecordPost(props: { session: Session; done: (p: Post) => void }) {
  const { t } = useLabels();
  const [channel, setChannel] = useState("");
  const [url, setUrl] = useState("");
  const [posted, setPosted] = useState("");
  const [text, setText] = useState("");
  const [caseCode, setCase] = useState("");
  const [sources, setSources] = useState<{ source: string; verified: string }[]>([]);
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const body: Input = {
      channel: channel as Input["channel"],
      url: url.trim(),
      text,
      ...(posted ? { posted: toUtc(posted) } : {}),
      ...(caseCode.trim() ? { case: caseCode.trim() } : {}),
      ...(sources.length ? { sources: sources.map((x) => ({ source: x.source.trim(), verified: x.verified.trim() })) } : {}),
    };
    run(async () => {
      const p = await staffCall<Post>(props.session, "POST", "/publications", body);
      props.done(p);
      setUrl("");
      setText("");
      setCase("");
      setSources([]);
      return t("desk.pubs.recorded", { n: p.log_index });
    });
  };
  return (
    <details class="panel">
      <summary>{t("desk.pubs.record")}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Select label={t("desk.pubs.channel")} value={channel} set={setChannel} options={lists.pubChannels}
          labelOf={(x) => t(`pubs.channel.${x as "other"}`)} any={t("desk.form.choose")} required />
        <Text label={t("desk.pubs.url")} type="url" value={url} set={setUrl} maxLength={2000} />
        <Text label={t("desk.pubs.posted")} type="datetime-local" value={posted} set={setPosted} optional hint={t("desk.pubs.postedHint")} />
        <Area label={t("desk.pubs.text")} hint={t("desk.pubs.textHint")} value={text} set={setText} max={20000} />
        <Text label={t("desk.pubs.case")} value={caseCode} set={setCase} optional hint={t("desk.pubs.caseHint")} maxLength={40} />
        <Rows legend={t("desk.pubs.sources")} rows={sources} set={setSources} blank={{ source: "", verified: "" }} max={20}
          rowLabel={(n) => t("desk.pubs.source", { n })} removeLabel={(n) => t("desk.pubs.removeSource", { n })}
          addLabel={t("desk.pubs.addSource")}
          render={(x, set) => (
            <>
              <Text label={t("desk.pubs.sourceWhat")} value={x.source} set={(v) => set({ ...x, source: v })} maxLength={300} />
              <Text label={t("desk.pubs.verified")} value={x.verified} set={(v) => set({ ...x, verified: v })} maxLength={300} />
            </>
          )} />
        <p>
          <button type="submit" disabled={state.saving}>{t("desk.pubs.submit")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

export function Area(props: { label: string; hint?: string; value: string; set: (v: string) => void; max: number; optional?: boolean }) {
  return (
    <Field label={props.label} hint={props.hint} optional={props.optional}>
      {(id, described) => (
        <textarea id={id} rows={4} value={props.value} required={!props.optional} maxLength={props.max} aria-describedby={described}
          onInput={(e) => props.set((e.currentTarget as HTMLTextAreaElement).value)} />
      )}
    </Field>
  );
}

// Nothing changes a retracted post: once retracted, only the answer to the retraction stays.
function ChangePost(props: { session: Session; post: Post; retracted: boolean; done: (c: Change) => void }) {
  const { t } = useLabels();
  const [kind, setKind] = useState("");
  const [text, setText] = useState("");
  const [asking, setAsking] = useState(false);
  const [run, state] = useSubmit();
  const send = () =>
    run(async () => {
      const c = await staffCall<Change>(props.session, "POST", `/publications/${props.post.log_index}/changes`, {
        kind, ...(text.trim() ? { text } : {}),
      });
      setAsking(false);
      setText("");
      props.done(c);
      return t(kind === "retraction" ? "desk.pubs.retracted" : "desk.pubs.changed", { n: c.log_index });
    });
  if (props.retracted) return state.ok ? <Outcome state={state} /> : null;
  return (
    <details>
      <summary>{t("desk.pubs.change")}</summary>
      <form class="stack narrow" onSubmit={(e) => (e.preventDefault(), kind === "retraction" ? setAsking(true) : send())}>
        <Select label={t("desk.pubs.changeKind")} value={kind} set={(k) => (setKind(k), setAsking(false))} options={lists.pubChanges}
          labelOf={(x) => t(`pubs.kind.${x as "correction"}`)} any={t("desk.form.choose")} required />
        <Area label={t("desk.pubs.changeText")} value={text} set={setText} max={20000} optional />
        {kind === "retraction" ? (
          <TwoStep label={t("desk.pubs.retract")} question={t("desk.pubs.retractQ")} open={asking} setOpen={setAsking}
            busy={state.saving} onYes={send} />
        ) : (
          <p>
            <button type="submit" disabled={state.saving}>{t("desk.pubs.submitChange")}</button>
          </p>
        )}
        <Outcome state={state} />
      </form>
    </details>
  );
}
