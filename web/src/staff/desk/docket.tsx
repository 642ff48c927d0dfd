// The legal-defence docket (GET /docket): the chronology report's header, every proceeding
// brought against the organisation and its people with its events in order (each with its date
// to the precision known, the document's status and the log entry that recorded it), remedies
// tried and related publications, and the counts the server computes from the events. Lawyers and
// directors add proceedings, events, remedies and publications, edit the header and download the
// chronology report (PDF or HTML, English or Russian); communications read.
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading, useData } from "../../common";
import type { Lang } from "../../i18n";
import { date, month, number } from "../../i18n/fmt";
import { Outcome, Text, useSubmit } from "../forms";
import { may, staffCall, type Session } from "../session";
import { Area } from "./publications";
import { Badge, label, lists, Rows, Select, useLabels } from "./ui";

type Docket = Schemas["Docket"];
type Proceeding = Docket["proceedings"][number];
type Counts = Docket["counts"];
type EventIn = Schemas["DocketEventInput"];
type Person = NonNullable<Schemas["ProceedingInput"]["people"]>[number];

// "2025-03-21", "2025-03", "2025" or "" as the reader reads it.
export function docketDate(lang: Lang, d: string, unknown: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return date(lang, d);
  if (/^\d{4}-\d{2}$/.test(d)) return month(lang, d);
  return d || unknown;
}

export function DocketView(props: { session: Session }) {
  const { t } = useLabels();
  const s = props.session;
  const write = may.docketWrite(s.user.role);
  const [d, error, reload] = useData(() => staffCall<Docket>(s, "GET", "/docket"), [s.org]);
  if (error) return <ErrorBox error={error} />;
  if (!d) return <Loading />;
  const base = `/api/v1/orgs/${encodeURIComponent(s.org)}/docket/chronology`;
  return (
    <>
      <h1>{t("desk.docket.heading")}</h1>
      <p>{t("desk.docket.intro")}</p>
      <section aria-labelledby="docket-totals">
        <h2 id="docket-totals">{t("desk.docket.totals")}</h2>
        <CountsBox c={d.counts} proceedings={d.proceedings.length} />
      </section>
      {write && (
        <section aria-labelledby="docket-report">
          <h2 id="docket-report">{t("desk.docket.report")}</h2>
          <p class="hint">{t("desk.docket.reportHint")}</p>
          <p class="downloads">
            <a class="button" href={`${base}.pdf?lang=en`} download>{t("desk.docket.pdfEn")}</a>
            <a class="button" href={`${base}.pdf?lang=ru`} download>{t("desk.docket.pdfRu")}</a>
            <a class="button secondary" href={`${base}.html?lang=en`} download>{t("desk.docket.htmlEn")}</a>
            <a class="button secondary" href={`${base}.html?lang=ru`} download>{t("desk.docket.htmlRu")}</a>
          </p>
        </section>
      )}
      <Header session={s} header={d.header} write={write} saved={reload} />
      <h2 id="proceedings">{t("desk.docket.proceedings")}</h2>
      {write && <AddProceeding session={s} done={reload} />}
      {d.proceedings.length === 0 ? <p>{t("desk.docket.none")}</p> : (
        <ul class="proceedings">
          {d.proceedings.map((p) => <ProceedingCard key={p.id} session={s} p={p} write={write} changed={reload} />)}
        </ul>
      )}
    </>
  );
}

function CountsBox(props: { c: Counts; proceedings?: number }) {
  const { t, lang } = useLabels();
  const c = props.c;
  const fig = (k: Parameters<typeof t>[0], n: number) => <div><dt>{t(k)}</dt><dd>{number(lang, n)}</dd></div>;
  return (
    <>
      <p class="headline">{t("desk.docket.restarts", { n: number(lang, c.restarts) }, c.restarts)}</p>
      <dl class="figures">
        {props.proceedings !== undefined && fig("desk.docket.count.proceedings", props.proceedings)}
        {fig("desk.docket.count.opened", c.opened)}
        {fig("desk.docket.count.interrupted", c.interrupted)}
        {fig("desk.docket.count.suspended", c.suspended)}
        {fig("desk.docket.count.terminated", c.terminated)}
        {fig("desk.docket.count.reopened", c.reopened)}
        {fig("desk.docket.count.resumed", c.resumed)}
        {fig("desk.docket.count.documentsRefused", c.documents_refused)}
        {c.days_open !== undefined && fig("desk.docket.count.daysOpen", c.days_open)}
      </dl>
    </>
  );
}

function Header(props: { session: Session; header: Docket["header"]; write: boolean; saved: () => void }) {
  const { t } = useLabels();
  const h = props.header;
  const [defender, setDefender] = useState(h.defender);
  const [organisation, setOrganisation] = useState(h.organisation);
  const [activities, setActivities] = useState(h.activities);
  const [risks, setRisks] = useState(h.risk_summary);
  const [a, setA] = useState(h.consent_name_to_government);
  const [b, setB] = useState(h.consent_public_reports);
  const [run, state] = useSubmit();
  const yesNo = (v: boolean) => t(v ? "desk.docket.yes" : "desk.docket.no");
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", "/docket/header", {
        defender: defender.trim(), organisation: organisation.trim(),
        ...(activities.trim() ? { activities } : {}), ...(risks.trim() ? { risk_summary: risks } : {}),
        consent_name_to_government: a, consent_public_reports: b,
      });
      props.saved();
      return t("desk.docket.headerSaved");
    });
  };
  return (
    <section aria-labelledby="docket-header">
      <h2 id="docket-header">{t("desk.docket.header")}</h2>
      <dl class="header-list">
        <dt>{t("desk.docket.defender")}</dt><dd>{h.defender || "—"}</dd>
        <dt>{t("desk.docket.organisation")}</dt><dd>{h.organisation || "—"}</dd>
        <dt>{t("desk.docket.activities")}</dt><dd class="pre">{h.activities || "—"}</dd>
        <dt>{t("desk.docket.risks")}</dt><dd class="pre">{h.risk_summary || "—"}</dd>
        <dt>{t("desk.docket.consentA")}</dt><dd>{yesNo(h.consent_name_to_government)}</dd>
        <dt>{t("desk.docket.consentB")}</dt><dd>{yesNo(h.consent_public_reports)}</dd>
      </dl>
      {props.write && (
        <details class="panel">
          <summary>{t("desk.docket.editHeader")}</summary>
          <form class="stack narrow" onSubmit={submit}>
            <Text label={t("desk.docket.defender")} value={defender} set={setDefender} maxLength={200} />
            <Text label={t("desk.docket.organisation")} value={organisation} set={setOrganisation} maxLength={200} />
            <Area label={t("desk.docket.activities")} value={activities} set={setActivities} max={4000} optional />
            <Area label={t("desk.docket.risks")} value={risks} set={setRisks} max={4000} optional />
            <label class="check"><input type="checkbox" checked={a} onChange={(e) => setA((e.currentTarget as HTMLInputElement).checked)} /> {t("desk.docket.consentA")}</label>
            <label class="check"><input type="checkbox" checked={b} onChange={(e) => setB((e.currentTarget as HTMLInputElement).checked)} /> {t("desk.docket.consentB")}</label>
            <p><button type="submit" disabled={state.saving}>{t("desk.docket.saveHeader")}</button></p>
            <Outcome state={state} />
          </form>
        </details>
      )}
    </section>
  );
}

function ProceedingCard(props: { session: Session; p: Proceeding; write: boolean; changed: () => void }) {
  const { t, lang } = useLabels();
  const p = props.p;
  const unknown = t("desk.docket.unknownDate");
  return (
    <li class="card proceeding">
      <h3>{p.id}: {p.title}</h3>
      <dl class="figures">
        {p.articles.length > 0 && <div><dt>{t("desk.docket.articles")}</dt><dd>{p.articles.join("; ")}</dd></div>}
        {p.authority && <div><dt>{t("desk.docket.authority")}</dt><dd>{p.authority}</dd></div>}
        {p.region && <div><dt>{t("desk.docket.region")}</dt><dd>{p.region}</dd></div>}
        {p.erdr_number && <div><dt>{t("desk.docket.erdr")}</dt><dd>{p.erdr_number}</dd></div>}
      </dl>
      {p.people.length > 0 && (
        <>
          <h4>{t("desk.docket.people")}</h4>
          <ul>
            {p.people.map((x, i) => (
              <li key={i}>{x.label}{x.role && ` · ${x.role}`}{x.is_public && <> <Badge>{t("desk.docket.personPublicBadge")}</Badge></>}</li>
            ))}
          </ul>
        </>
      )}
      <CountsBox c={p.counts} />
      <h4>{t("desk.docket.events")}</h4>
      <ol class="timeline">
        {p.events.map((e, i) => (
          <li key={i}>
            <p>
              <strong>{label(lang, "docketEvent", e.kind)}</strong> · {docketDate(lang, e.date, unknown)}
              {" "}<Badge kind={`doc-${e.document.status}`}>{t("desk.docket.doc")}: {label(lang, "docStatus", e.document.status)}</Badge>
              {e.log_index !== undefined && <> · {t("pubs.entry", { n: e.log_index })}</>}
            </p>
            {(e.document.name || e.document.number) && <p class="muted">{[e.document.name, e.document.number].filter(Boolean).join(" № ")}</p>}
            {e.source && <p class="muted">{t("desk.docket.source")}: {e.source}{e.verification && ` (${e.verification})`}</p>}
            {e.note && <p>{e.note}</p>}
          </li>
        ))}
      </ol>
      {p.remedies.length > 0 && (
        <>
          <h4>{t("desk.docket.remedies")}</h4>
          <ul>
            {p.remedies.map((r, i) => <li key={i}>{r.to_whom} · {docketDate(lang, r.date, unknown)}{r.result && ` — ${r.result}`}</li>)}
          </ul>
        </>
      )}
      {p.publications.length > 0 && (
        <>
          <h4>{t("desk.docket.publications")}</h4>
          <ul>
            {p.publications.map((x, i) => (
              <li key={i}>
                <a href={x.url} rel="noopener noreferrer">{x.title}</a> · {docketDate(lang, x.date, unknown)}
                {x.corrections.length > 0 && (
                  <ul>
                    {x.corrections.map((c, j) => (
                      <li key={j}>{t("desk.docket.corrected", { date: docketDate(lang, c.date, unknown) })}: {c.text}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {props.write && (
        <>
          <AddEvent session={props.session} p={p} done={props.changed} />
          <AddRemedy session={props.session} p={p} done={props.changed} />
          <AddPublication session={props.session} p={p} done={props.changed} />
        </>
      )}
    </li>
  );
}

// An event's fields (the opening's, or the next one's).
function useEventFields(kindDefault: string) {
  const [kind, setKind] = useState(kindDefault);
  const [date, setDate] = useState("");
  const [docName, setDocName] = useState("");
  const [docNumber, setDocNumber] = useState("");
  const [status, setStatus] = useState("unknown");
  const [source, setSource] = useState("");
  const [verification, setVerification] = useState("");
  const [note, setNote] = useState("");
  const body = (): EventIn => ({
    kind: kind as EventIn["kind"], date: date.trim(),
    document: {
      ...(docName.trim() ? { name: docName.trim() } : {}), ...(docNumber.trim() ? { number: docNumber.trim() } : {}),
      status: status as "unknown",
    },
    ...(source.trim() ? { source: source.trim() } : {}),
    ...(verification.trim() ? { verification: verification.trim() } : {}),
    ...(note.trim() ? { note: note.trim() } : {}),
  });
  const reset = () => (setDate(""), setDocName(""), setDocNumber(""), setNote(""));
  const fields = (withKind: boolean, t: ReturnType<typeof useLabels>["t"], lang: Lang) => (
    <>
      {withKind && (
        <Select label={t("desk.docket.kind")} value={kind} set={setKind} options={lists.docketEvents}
          labelOf={(x) => label(lang, "docketEvent", x)} any={t("desk.form.choose")} required />
      )}
      <Text label={t("desk.docket.date")} value={date} set={setDate} hint={t("desk.docket.dateHint")} optional maxLength={10} />
      <Text label={t("desk.docket.docName")} value={docName} set={setDocName} optional maxLength={300} />
      <Text label={t("desk.docket.docNumber")} value={docNumber} set={setDocNumber} optional maxLength={100} />
      <Select label={t("desk.docket.docStatus")} value={status} set={setStatus} options={lists.documentStatuses}
        labelOf={(x) => label(lang, "docStatus", x)} />
      <Text label={t("desk.docket.source")} value={source} set={setSource} optional maxLength={300} />
      <Text label={t("desk.docket.verification")} value={verification} set={setVerification} optional maxLength={300} />
      <Area label={t("desk.docket.note")} value={note} set={setNote} max={1000} optional />
    </>
  );
  return { body, reset, fields };
}

function AddProceeding(props: { session: Session; done: () => void }) {
  const { t, lang } = useLabels();
  const [id, setId] = useState("");
  const [title, setTitle] = useState("");
  const [articles, setArticles] = useState("");
  const [authority, setAuthority] = useState("");
  const [region, setRegion] = useState("");
  const [erdr, setErdr] = useState("");
  const [people, setPeople] = useState<Person[]>([]);
  const ev = useEventFields("opened");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const arts = articles.split("\n").map((x) => x.trim()).filter(Boolean);
      await staffCall(props.session, "POST", "/docket", {
        id: id.trim(), title: title.trim(), ...(arts.length ? { articles: arts } : {}),
        ...(authority.trim() ? { authority: authority.trim() } : {}), ...(region.trim() ? { region: region.trim() } : {}),
        ...(erdr.trim() ? { erdr_number: erdr.trim() } : {}),
        ...(people.length ? { people: people.map((x) => ({ label: x.label.trim(), is_public: x.is_public, ...(x.role?.trim() ? { role: x.role.trim() } : {}) })) } : {}),
        opened: ev.body(),
      });
      const added = id.trim();
      setId("");
      setTitle("");
      setArticles("");
      setAuthority("");
      setRegion("");
      setErdr("");
      setPeople([]);
      ev.reset();
      props.done();
      return t("desk.docket.added", { id: added });
    });
  };
  return (
    <details class="panel">
      <summary>{t("desk.docket.add")}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("desk.docket.id")} value={id} set={setId} hint={t("desk.docket.idHint")} maxLength={40} />
        <Text label={t("desk.docket.title")} value={title} set={setTitle} maxLength={300} />
        <Area label={t("desk.docket.articles")} hint={t("desk.docket.articlesHint")} value={articles} set={setArticles} max={900} optional />
        <Text label={t("desk.docket.authority")} value={authority} set={setAuthority} optional maxLength={300} />
        <Text label={t("desk.docket.region")} value={region} set={setRegion} optional maxLength={100} />
        <Text label={t("desk.docket.erdr")} value={erdr} set={setErdr} optional inputMode="numeric" hint={t("desk.docket.erdrHint")} maxLength={30} />
        <Rows legend={t("desk.docket.people")} rows={people} set={setPeople} blank={{ label: "", is_public: false, role: "" }} max={20}
          rowLabel={(n) => t("desk.docket.person", { n })} removeLabel={(n) => t("desk.docket.removePerson", { n })}
          addLabel={t("desk.docket.addPerson")}
          render={(x, set) => (
            <>
              <Text label={t("desk.docket.personLabel")} hint={t("desk.docket.personLabelHint")} value={x.label} set={(v) => set({ ...x, label: v })} maxLength={200} />
              <Text label={t("desk.docket.personRole")} value={x.role ?? ""} set={(v) => set({ ...x, role: v })} optional maxLength={100} />
              <label class="check">
                <input type="checkbox" checked={x.is_public} onChange={(e) => set({ ...x, is_public: (e.currentTarget as HTMLInputElement).checked })} />
                {" "}{t("desk.docket.personPublic")}
              </label>
            </>
          )} />
        <fieldset>
          <legend>{t("desk.docket.opening")}</legend>
          {ev.fields(false, t, lang)}
        </fieldset>
        <p><button type="submit" disabled={state.saving}>{t("desk.docket.addSubmit")}</button></p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

function AddEvent(props: { session: Session; p: Proceeding; done: () => void }) {
  const { t, lang } = useLabels();
  const ev = useEventFields("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const out = await staffCall<Schemas["DocketEvent"]>(props.session, "POST", `/docket/${encodeURIComponent(props.p.id)}/events`, ev.body());
      ev.reset();
      props.done();
      return t("desk.docket.eventAdded", { n: out.log_index ?? "—" });
    });
  };
  return (
    <details>
      <summary>{t("desk.docket.addEvent", { id: props.p.id })}</summary>
      <form class="stack narrow" onSubmit={submit}>
        {ev.fields(true, t, lang)}
        <p><button type="submit" disabled={state.saving}>{t("desk.docket.addEventSubmit")}</button></p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

function AddRemedy(props: { session: Session; p: Proceeding; done: () => void }) {
  const { t } = useLabels();
  const [toWhom, setToWhom] = useState("");
  const [date, setDate] = useState("");
  const [result, setResult] = useState("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `/docket/${encodeURIComponent(props.p.id)}/remedies`, {
        to_whom: toWhom.trim(), date: date.trim(), ...(result.trim() ? { result: result.trim() } : {}),
      });
      setToWhom("");
      setDate("");
      setResult("");
      props.done();
      return t("desk.docket.remedyAdded");
    });
  };
  return (
    <details>
      <summary>{t("desk.docket.addRemedy", { id: props.p.id })}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("desk.docket.toWhom")} value={toWhom} set={setToWhom} maxLength={300} />
        <Text label={t("desk.docket.date")} value={date} set={setDate} hint={t("desk.docket.dateHint")} optional maxLength={10} />
        <Area label={t("desk.docket.result")} value={result} set={setResult} max={500} optional />
        <p><button type="submit" disabled={state.saving}>{t("desk.docket.addRemedySubmit")}</button></p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

function AddPublication(props: { session: Session; p: Proceeding; done: () => void }) {
  const { t } = useLabels();
  const [title, setTitle] = useState("");
  const [url, setUrl] = useState("");
  const [date, setDate] = useState("");
  const [corrections, setCorrections] = useState<{ date: string; text: string }[]>([]);
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `/docket/${encodeURIComponent(props.p.id)}/publications`, {
        title: title.trim(), url: url.trim(), date: date.trim(),
        ...(corrections.length ? { corrections: corrections.map((x) => ({ date: x.date.trim(), text: x.text.trim() })) } : {}),
      });
      setTitle("");
      setUrl("");
      setDate("");
      setCorrections([]);
      props.done();
      return t("desk.docket.pubAdded");
    });
  };
  return (
    <details>
      <summary>{t("desk.docket.addPub", { id: props.p.id })}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("desk.docket.title")} value={title} set={setTitle} maxLength={300} />
        <Text label={t("desk.docket.url")} type="url" value={url} set={setUrl} maxLength={2000} />
        <Text label={t("desk.docket.date")} value={date} set={setDate} hint={t("desk.docket.dateHint")} optional maxLength={10} />
        <Rows legend={t("desk.docket.corrections")} rows={corrections} set={setCorrections} blank={{ date: "", text: "" }} max={20}
          rowLabel={(n) => t("desk.docket.correction", { n })} removeLabel={(n) => t("desk.docket.removeCorrection", { n })}
          addLabel={t("desk.docket.addCorrection")}
          render={(x, set) => (
            <>
              <Text label={t("desk.docket.date")} value={x.date} set={(v) => set({ ...x, date: v })} hint={t("desk.docket.dateHint")} optional maxLength={10} />
              <Area label={t("desk.docket.correctionText")} value={x.text} set={(v) => set({ ...x, text: v })} max={1000} />
            </>
          )} />
        <p><button type="submit" disabled={state.saving}>{t("desk.docket.addPubSubmit")}</button></p>
        <Outcome state={state} />
      </form>
    </details>
  );
}
