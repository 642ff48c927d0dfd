// One case: its procedural timeline (every event with its date, the stage before and after, the
// document's status, the legal basis and the event's own fields), the next event (only those the
// stage allows, with their fields), the survivor's consents, the people on it, her referrals to
// services, and its deadlines.
// A case the user may not see is "not found", as one that does not exist.
import { useRef, useState } from "preact/hooks";
import { ApiError, type Schemas } from "../../api/client";
import { ErrorBox, Loading, useData } from "../../common";
import { date } from "../../i18n/fmt";
import { pick } from "../../protocols";
import { Outcome, Text, useSubmit } from "../forms";
import { may, staffCall, type Session } from "../session";
import { Badge, dayFromNow, eventLabel, humanise, label, lists, Select, stageLabel, useLabels, type Vocabulary } from "./ui";

type Case = Schemas["Case"];
type EventInput = Schemas["CaseEventInput"];

export function CaseView(props: { session: Session; vocab: Vocabulary; code: string }) {
  const { t, lang, l } = useLabels();
  const s = props.session;
  const p = props.vocab.procedure;
  const path = `/cases/${encodeURIComponent(props.code)}`;
  const [c, error, reload] = useData(() => staffCall<Case>(s, "GET", path), [props.code]);
  if (error) return error instanceof ApiError && error.status === 404 ? <ErrorBox notFound /> : <ErrorBox error={error} />;
  if (!c) return <Loading />;
  const write = may.caseWrite(s.user.role);
  return (
    <>
      <h1>{t("desk.case")} {c.code}</h1>
      <dl class="figures case-facts">
        <div>
          <dt>{t("desk.stage")}</dt>
          <dd>
            <Badge kind="stage">{stageLabel(lang, p, c.stage)}</Badge>
          </dd>
        </div>
        <div>
          <dt>{t("desk.survivor")}</dt>
          <dd>
            <a href={`/staff/${s.org}/survivors/${encodeURIComponent(c.survivor)}`}>{c.survivor}</a>
          </dd>
        </div>
        <div>
          <dt>{t("desk.f.category")}</dt>
          <dd>
            {l("category", c.category)}
            {c.context.length > 0 && ` (${c.context.map((x) => l("context", x)).join(", ")})`}
          </dd>
        </div>
        <div>
          <dt>{t("desk.f.region")}</dt>
          <dd>{l("region", c.region)}</dd>
        </div>
        <div>
          <dt>{t("desk.opened")}</dt>
          <dd>{date(lang, new Date(c.opened * 1000).toISOString().slice(0, 10))}</dd>
        </div>
        {c.articles.length > 0 && (
          <div>
            <dt>{t("desk.f.articles")}</dt>
            <dd>{c.articles.join(", ")}</dd>
          </div>
        )}
        {c.verdict && (
          <div>
            <dt>{t("desk.verdict")}</dt>
            <dd>{label(lang, "choice", c.verdict)}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t("desk.timeline.heading")}</h2>
        {c.events.length === 0 ? (
          <p>{t("desk.timeline.none")}</p>
        ) : (
          <ol class="timeline">
            {c.events.map((e) => (
              <li key={e.id}>
                <p class="when">
                  <time dateTime={e.date}>{e.date.length === 10 ? date(lang, e.date) : e.date}</time>
                </p>
                <h3>{eventLabel(lang, p, e.kind)}</h3>
                <p class="meta">
                  {e.from === e.to ? (
                    stageLabel(lang, p, e.to)
                  ) : (
                    <>
                      {stageLabel(lang, p, e.from)} → <strong>{stageLabel(lang, p, e.to)}</strong>
                    </>
                  )}{" "}
                  <Badge kind={`doc-${e.document_status}`}>{t("desk.document")}: {l("docStatus", e.document_status)}</Badge>
                </p>
                {e.document && <p>{t("desk.document")}: {e.document}</p>}
                {e.legal_basis && <p class="basis">{t("desk.legalBasis")}: {e.legal_basis}</p>}
                {e.fields.length > 0 && (
                  <dl class="fields">
                    {e.fields.map((f) => {
                      const def = p.events.find((x) => x.id === e.kind)?.fields.find((x) => x.id === f.name);
                      return (
                        <div key={f.name}>
                          <dt>{def ? pick(lang, def.label) : humanise(f.name)}</dt>
                          <dd>{def && def.choices.length > 0 ? label(lang, "choice", f.value) : f.value}</dd>
                        </div>
                      );
                    })}
                  </dl>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>

      {write && <NextEvent session={s} vocab={props.vocab} c={c} path={path} done={reload} />}
      <Consents session={s} c={c} path={path} write={write} done={reload} />
      <People session={s} c={c} path={path} done={reload} />
      <Suspects session={s} c={c} path={path} write={write} done={reload} moves={props.vocab.suspect_moves} />
      <Referrals session={s} c={c} path={path} write={write} done={reload} services={props.vocab.referrals} />
      <Deadlines session={s} c={c} path={path} write={write} done={reload} />
    </>
  );
}

function NextEvent(props: { session: Session; vocab: Vocabulary; c: Case; path: string; done: () => void }) {
  const { t, lang, l } = useLabels();
  const p = props.vocab.procedure;
  const allowed = props.c.allowed;
  const [kind, setKind] = useState("");
  const [day, setDay] = useState(dayFromNow(0));
  const [docStatus, setDocStatus] = useState("unknown");
  const [document, setDocument] = useState("");
  const [basis, setBasis] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [run, state] = useSubmit();
  const answer = useRef<HTMLDivElement>(null);
  const def = p.events.find((e) => e.id === kind);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!def) return;
    const body: EventInput = {
      kind,
      date: day,
      document_status: docStatus as EventInput["document_status"],
      ...(document.trim() ? { document: document.trim() } : {}),
      ...(basis.trim() ? { legal_basis: basis.trim() } : {}),
      fields: def.fields.filter((f) => fields[f.id]?.trim()).map((f) => ({ name: f.id, value: fields[f.id]!.trim() })),
    };
    run(async () => {
      const r = await staffCall<Schemas["CaseEvent"]>(props.session, "POST", `${props.path}/events`, body);
      setKind("");
      setFields({});
      setDocument("");
      setBasis("");
      props.done();
      setTimeout(() => answer.current?.focus(), 0);
      return t("desk.event.recorded", { event: eventLabel(lang, p, r.kind), stage: stageLabel(lang, p, r.to) });
    });
  };
  return (
    <section aria-labelledby="next-event">
      <h2 id="next-event">{t("desk.event.heading")}</h2>
      {allowed.length === 0 ? (
        <p>{t("desk.event.noneAllowed")}</p>
      ) : (
        <form class="stack narrow" onSubmit={submit}>
          <Select label={t("desk.event.kind")} value={kind} set={(k) => (setKind(k), setFields({}))} options={allowed}
            labelOf={(x) => eventLabel(lang, p, x)} any={t("desk.form.choose")} required id="event-kind" />
          {def && (
            <>
              <p class="hint">
                {def.to ? t("desk.event.leadsTo", { stage: stageLabel(lang, p, def.to) }) : t("desk.event.staysIn")}
              </p>
              <Text label={t("desk.event.date")} type="date" value={day} set={setDay} hint={t("desk.event.dateHint")} />
              {def.fields.map((f) =>
                f.choices.length > 0 ? (
                  <Select key={f.id} label={pick(lang, f.label)} value={fields[f.id] ?? ""} set={(v) => setFields((x) => ({ ...x, [f.id]: v }))}
                    options={f.choices} labelOf={(x) => label(lang, "choice", x)} any={f.required ? t("desk.form.choose") : t("desk.none")}
                    required={f.required} />
                ) : (
                  <Text key={f.id} label={pick(lang, f.label)} value={fields[f.id] ?? ""} set={(v) => setFields((x) => ({ ...x, [f.id]: v }))}
                    optional={!f.required} />
                ),
              )}
              <Select label={t("desk.event.docStatus")} value={docStatus} set={setDocStatus} options={lists.documentStatuses}
                labelOf={(x) => l("docStatus", x)} />
              <Text label={t("desk.document")} value={document} set={setDocument} optional hint={t("desk.event.documentHint")} />
              <Text label={t("desk.legalBasis")} value={basis} set={setBasis} optional hint={t("desk.event.basisHint", { basis: def.legal_basis })} />
            </>
          )}
          <p>
            <button type="submit" disabled={state.saving || !def}>{t("desk.event.submit")}</button>
          </p>
        </form>
      )}
      <div class="answer" tabIndex={-1} ref={answer}>
        <Outcome state={state} />
      </div>
    </section>
  );
}

const consentKeys = ["stats", "publish", "police", "lawyer", "services"] as const;

function Consents(props: { session: Session; c: Case; path: string; write: boolean; done: () => void }) {
  const { t } = useLabels();
  const [v, setV] = useState(props.c.consents);
  const [run, state] = useSubmit();
  const changed = consentKeys.some((k) => v[k] !== props.c.consents[k]);
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/consents`, v);
      props.done();
      return t("desk.consents.saved");
    });
  };
  return (
    <section aria-labelledby="consents">
      <h2 id="consents">{t("desk.consents.heading")}</h2>
      <form onSubmit={submit}>
        {consentKeys.map((k) => (
          <label class="check" key={k}>
            <input type="checkbox" checked={v[k]} disabled={!props.write}
              onChange={(e) => setV((x) => ({ ...x, [k]: (e.currentTarget as HTMLInputElement).checked }))} />{" "}
            {t(`desk.consents.${k}`)}
          </label>
        ))}
        {props.write && (
          <p>
            <button type="submit" class="secondary" disabled={state.saving || !changed}>{t("desk.consents.save")}</button>
          </p>
        )}
        <Outcome state={state} />
      </form>
    </section>
  );
}

type Staff = Schemas["DeskStaff"]["staff"];

function People(props: { session: Session; c: Case; path: string; done: () => void }) {
  const { t } = useLabels();
  const role = props.session.user.role;
  const canAssign = may.assign(role);
  // Who can be put on a case, by name (GET /desk/staff: every desk role may list them).
  const [users] = useData<Staff | undefined>(
    () => staffCall<Schemas["DeskStaff"]>(props.session, "GET", "/desk/staff").then((u) => u.staff),
    [],
  );
  const name = (id?: number) => (id === undefined ? t("desk.people.nobody") : users?.find((u) => u.id === id)?.name ?? `#${id}`);
  const [lawyer, setLawyer] = useState(props.c.lawyer !== undefined ? String(props.c.lawyer) : "");
  const [worker, setWorker] = useState(props.c.case_worker !== undefined ? String(props.c.case_worker) : "");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/people`, { lawyer: Number(lawyer) || 0, case_worker: Number(worker) || 0 });
      props.done();
      return t("desk.people.saved");
    });
  };
  const pickOne = (label: string, value: string, set: (v: string) => void, roles: string[]) =>
    users ? (
      <Select label={label} value={value} set={set} options={users.filter((u) => roles.includes(u.role)).map((u) => String(u.id))}
        labelOf={(id) => users.find((u) => String(u.id) === id)?.name ?? id} any={t("desk.people.nobody")} />
    ) : (
      <Text label={label} value={value} set={set} inputMode="numeric" optional hint={t("desk.people.idHint")} />
    );
  return (
    <section aria-labelledby="people">
      <h2 id="people">{t("desk.people.heading")}</h2>
      <dl class="figures">
        <div>
          <dt>{t("desk.people.lawyer")}</dt>
          <dd>{name(props.c.lawyer)}</dd>
        </div>
        <div>
          <dt>{t("desk.people.caseWorker")}</dt>
          <dd>{name(props.c.case_worker)}</dd>
        </div>
      </dl>
      {canAssign && (
        <details class="panel">
          <summary>{t("desk.people.assign")}</summary>
          <p class="hint">{t("desk.people.assignHint")}</p>
          <form class="stack narrow" onSubmit={submit}>
            {pickOne(t("desk.people.lawyer"), lawyer, setLawyer, ["lawyer", "director"])}
            {pickOne(t("desk.people.caseWorker"), worker, setWorker, ["case_worker", "director"])}
            <p>
              <button type="submit" disabled={state.saving}>{t("desk.people.submit")}</button>
            </p>
            <Outcome state={state} />
          </form>
        </details>
      )}
    </section>
  );
}

type Suspect = Schemas["Suspect"];
type Move = Vocabulary["suspect_moves"][number];
// A suspect as the screens name them: their label, or "Suspect N" in the reader's language.
const suspectName = (t: ReturnType<typeof useLabels>["t"], x: Suspect) => x.label ?? t("desk.suspects.numbered", { n: x.n });

// A conviction's sentence as the reader reads it: its kind and term, and the words pronounced.
function sentenceText(t: ReturnType<typeof useLabels>["t"], l: ReturnType<typeof useLabels>["l"], x: Suspect): string {
  const m = x.sentence_months ?? 0, y = Math.floor(m / 12);
  const term = [y ? t("desk.suspects.yearsN", { n: y }, y) : "", m % 12 ? t("desk.suspects.monthsN", { n: m % 12 }, m % 12) : ""]
    .filter(Boolean).join(" ");
  const kind = x.sentence_kind ? [l("sentenceKind", x.sentence_kind), term].filter(Boolean).join(", ") : "";
  return [kind, x.sentence].filter(Boolean).join(" — ");
}

// Each suspect with their own state (a group case may end with one convicted and one still
// wanted), their history, and the steps their state allows (the vocabulary's suspect_moves).
function Suspects(props: { session: Session; c: Case; path: string; write: boolean; done: () => void; moves: Move[] }) {
  const { t, lang, l } = useLabels();
  const [label, setLabel] = useState("");
  const [article, setArticle] = useState("");
  const [day, setDay] = useState(dayFromNow(0));
  const [run, state] = useSubmit();
  const add = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/suspects`, {
        date: day, ...(label.trim() ? { label: label.trim() } : {}), ...(article.trim() ? { article: article.trim() } : {}),
      });
      setLabel("");
      setArticle("");
      props.done();
      return t("desk.suspects.added");
    });
  };
  return (
    <section aria-labelledby="suspects">
      <h2 id="suspects">{t("desk.suspects.heading")}</h2>
      <p class="hint">{t("desk.suspects.hint")}</p>
      {props.c.suspects.length === 0 ? (
        <p>{t("desk.suspects.none")}</p>
      ) : (
        <ul class="deadlines suspects">
          {props.c.suspects.map((x) => (
            <li key={x.id}>
              <strong>{suspectName(t, x)}</strong>{" "}
              <Badge kind={x.state === "convicted" ? "ok" : x.state === "wanted" ? "late" : undefined}>{l("suspectState", x.state)}</Badge>
              {" "}{t("desk.suspects.since", { day: date(lang, x.since) })}
              {x.article && <> · {x.article}</>}
              {(x.sentence || x.sentence_kind) && <p>{t("desk.suspects.sentence", { s: sentenceText(t, l, x) })}</p>}
              {x.history.length > 1 && (
                <details>
                  <summary>{t("desk.suspects.history", { label: suspectName(t, x) })}</summary>
                  <ol>
                    {x.history.map((h, i) => (
                      <li key={i}>{date(lang, h.date)} · {l("suspectState", h.state)}{h.note && ` — ${h.note}`}</li>
                    ))}
                  </ol>
                </details>
              )}
              {props.write && <SuspectStep session={props.session} path={props.path} s={x} moves={props.moves} done={props.done} />}
            </li>
          ))}
        </ul>
      )}
      {props.write && (
        <form class="stack narrow" onSubmit={add}>
          <h3>{t("desk.suspects.add")}</h3>
          <Text label={t("desk.suspects.label")} value={label} set={setLabel} optional hint={t("desk.suspects.labelHint")} maxLength={100} />
          <Text label={t("desk.suspects.article")} value={article} set={setArticle} optional hint={t("desk.suspects.articleHint")} maxLength={100} />
          <Text label={t("desk.suspects.date")} type="date" value={day} set={setDay} />
          <p>
            <button type="submit" class="secondary" disabled={state.saving}>{t("desk.suspects.addSubmit")}</button>
          </p>
          <Outcome state={state} />
        </form>
      )}
    </section>
  );
}

function SuspectStep(props: { session: Session; path: string; s: Suspect; moves: Move[]; done: () => void }) {
  const { t, l } = useLabels();
  const next = props.moves.filter((m) => m.from === props.s.state).map((m) => m.to);
  const [to, setTo] = useState("");
  const [day, setDay] = useState(dayFromNow(0));
  const [article, setArticle] = useState("");
  const [sentence, setSentence] = useState("");
  const [kind, setKind] = useState("");
  const [years, setYears] = useState("");
  const [months, setMonths] = useState("");
  const [note, setNote] = useState("");
  const [run, state] = useSubmit();
  if (next.length === 0) return <p class="hint">{t("desk.suspects.final")}</p>;
  const term = kind === "imprisonment" || kind === "restricted_liberty" || kind === "suspended";
  const termMonths = (Number(years) || 0) * 12 + (Number(months) || 0);
  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/suspects/${props.s.id}/state`, {
        state: to, date: day, ...(article.trim() ? { article: article.trim() } : {}),
        ...(to === "convicted" && sentence.trim() ? { sentence: sentence.trim() } : {}),
        ...(to === "convicted" && kind ? { sentence_kind: kind } : {}),
        ...(to === "convicted" && term ? { sentence_months: termMonths } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setTo("");
      setArticle("");
      setSentence("");
      setKind("");
      setYears("");
      setMonths("");
      setNote("");
      props.done();
      return t("desk.suspects.changed");
    });
  };
  return (
    <details>
      <summary>{t("desk.suspects.change", { label: suspectName(t, props.s) })}</summary>
      <form class="stack narrow" onSubmit={save}>
        <Select label={t("desk.suspects.state")} value={to} set={setTo} options={next}
          labelOf={(id) => l("suspectState", id)} any={t("desk.form.choose")} required />
        <Text label={t("desk.suspects.when")} type="date" value={day} set={setDay} />
        <Text label={t("desk.suspects.newArticle")} value={article} set={setArticle} optional hint={t("desk.suspects.newArticleHint")} maxLength={100} />
        {to === "convicted" && (
          <>
            <Select label={t("desk.suspects.sentenceKind")} value={kind} set={setKind} options={lists.sentenceKinds}
              labelOf={(id) => l("sentenceKind", id)} any={t("desk.suspects.notGiven")} />
            {term && (
              <div class="row-edit">
                <Text label={t("desk.suspects.years")} value={years} set={setYears} type="number" inputMode="numeric" optional maxLength={2} />
                <Text label={t("desk.suspects.months")} value={months} set={setMonths} type="number" inputMode="numeric" optional maxLength={2} />
              </div>
            )}
            <Text label={t("desk.suspects.sentenceLabel")} value={sentence} set={setSentence} optional hint={t("desk.suspects.sentenceHint")} maxLength={200} />
          </>
        )}
        <Text label={t("desk.suspects.note")} value={note} set={setNote} optional hint={t("desk.deadlines.whatHint")} maxLength={300} />
        <p>
          <button type="submit" class="small secondary" disabled={state.saving || to === "" || (to === "convicted" && term && termMonths < 1)}>
            {t("desk.suspects.changeSubmit")}
          </button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

// The consent a referral to `service` relies on (the server decides; this only says why).
const consentFor = (service: string) => (service === "police" ? "police" : service === "lawyer" ? "lawyer" : "services");

function Referrals(props: {
  session: Session; c: Case; path: string; write: boolean; done: () => void; services: readonly string[];
}) {
  const { t, lang, l } = useLabels();
  const [service, setService] = useState("");
  const [day, setDay] = useState(dayFromNow(0));
  const [note, setNote] = useState("");
  const [why, setWhy] = useState("");
  const [run, state] = useSubmit();
  const consented = service !== "" && props.c.consents[consentFor(service)];
  const add = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/referrals`, {
        service, date: day, ...(note.trim() ? { note: note.trim() } : {}), ...(!consented && why.trim() ? { override: why.trim() } : {}),
      });
      setService("");
      setDay(dayFromNow(0));
      setNote("");
      setWhy("");
      props.done();
      return t("desk.referrals.added");
    });
  };
  return (
    <section aria-labelledby="referrals">
      <h2 id="referrals">{t("desk.referrals.heading")}</h2>
      {props.c.referrals.length === 0 ? (
        <p>{t("desk.referrals.none")}</p>
      ) : (
        <ul class="deadlines">
          {props.c.referrals.map((r) => (
            <li key={r.id}>
              <strong>{l("referral", r.service)}</strong> · {date(lang, r.date)}{" "}
              <Badge kind={r.outcome === "pending" ? undefined : r.outcome === "received" ? "ok" : "late"}>
                {l("referralOutcome", r.outcome)}
                {r.outcome_date ? ` ${date(lang, r.outcome_date)}` : ""}
              </Badge>
              {r.note && <> · {r.note}</>}
              {r.override && <p class="hint">{t("desk.referrals.withoutConsent", { why: r.override })}</p>}
              {props.write && <ReferralOutcome session={props.session} path={props.path} r={r} done={props.done} />}
            </li>
          ))}
        </ul>
      )}
      {props.write && (
        <form class="stack narrow" onSubmit={add}>
          <h3>{t("desk.referrals.add")}</h3>
          <Select label={t("desk.referrals.service")} value={service} set={setService} options={props.services}
            labelOf={(id) => l("referral", id)} any={t("desk.form.choose")} required />
          <Text label={t("desk.referrals.date")} type="date" value={day} set={setDay} />
          <Text label={t("desk.referrals.note")} value={note} set={setNote} optional hint={t("desk.deadlines.whatHint")} maxLength={300} />
          {service !== "" && !consented && (
            <Text label={t("desk.referrals.override")} value={why} set={setWhy} hint={t("desk.referrals.overrideHint")} maxLength={300} />
          )}
          <p>
            <button type="submit" class="secondary" disabled={state.saving || service === "" || (!consented && !why.trim())}>
              {t("desk.referrals.submit")}
            </button>
          </p>
          <Outcome state={state} />
        </form>
      )}
    </section>
  );
}

function ReferralOutcome(props: { session: Session; path: string; r: Schemas["Referral"]; done: () => void }) {
  const { t, l } = useLabels();
  const [outcome, setOutcome] = useState<string>(props.r.outcome);
  const [day, setDay] = useState(props.r.outcome_date ?? dayFromNow(0));
  const [run, state] = useSubmit();
  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/referrals/${props.r.id}/outcome`,
        outcome === "pending" ? { outcome } : { outcome, date: day });
      props.done();
      return t("desk.referrals.saved");
    });
  };
  return (
    <details>
      <summary>{t("desk.referrals.outcome", { service: l("referral", props.r.service) })}</summary>
      <form class="stack narrow" onSubmit={save}>
        <Select label={t("desk.referrals.outcomeLabel")} value={outcome} set={setOutcome} options={lists.referralOutcomes}
          labelOf={(id) => l("referralOutcome", id)} required />
        {outcome !== "pending" && <Text label={t("desk.referrals.outcomeDate")} type="date" value={day} set={setDay} />}
        <p>
          <button type="submit" class="small secondary" disabled={state.saving}>{t("desk.referrals.saveOutcome")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

// Moves an open deadline to another day, with the reason: a term the procedure set that the
// lawyer corrects (the appeal period of a detainee runs from receiving the copy), a new date.
function MoveDeadline(props: { session: Session; path: string; d: Schemas["Deadline"]; done: () => void }) {
  const { t, lang } = useLabels();
  const [due, setDue] = useState(props.d.due);
  const [why, setWhy] = useState("");
  const [run, state] = useSubmit();
  const what = props.d.label ? pick(lang, props.d.label) : props.d.what;
  const save = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/deadlines/${props.d.id}/due`, { due, because: why.trim() });
      setWhy("");
      props.done();
      return t("desk.deadlines.moved");
    });
  };
  return (
    <details>
      <summary>{t("desk.deadlines.move", { what })}</summary>
      <form class="stack narrow" onSubmit={save}>
        <Text label={t("desk.deadlines.newDue")} type="date" value={due} set={setDue} />
        <Text label={t("desk.deadlines.because")} value={why} set={setWhy} hint={t("desk.deadlines.whatHint")} maxLength={200} />
        <p>
          <button type="submit" class="small secondary" disabled={state.saving || !why.trim()}>{t("desk.deadlines.moveSubmit")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

function Deadlines(props: { session: Session; c: Case; path: string; write: boolean; done: () => void }) {
  const { t, lang } = useLabels();
  const [due, setDue] = useState(dayFromNow(7));
  const [what, setWhat] = useState("");
  const [run, state] = useSubmit();
  const [finish, finishing] = useSubmit();
  const today = dayFromNow(0);
  const add = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await staffCall(props.session, "POST", `${props.path}/deadlines`, { due, what: what.trim() });
      setWhat("");
      props.done();
      return t("desk.deadlines.added");
    });
  };
  return (
    <section aria-labelledby="deadlines">
      <h2 id="deadlines">{t("desk.deadlines.heading")}</h2>
      {props.c.deadlines.length === 0 ? (
        <p>{t("desk.deadlines.none")}</p>
      ) : (
        <ul class="deadlines">
          {props.c.deadlines.map((d) => (
            <li key={d.id} class={d.done ? "done-item" : d.due < today ? "overdue" : undefined}>
              <strong>{date(lang, d.due)}</strong> · {d.label ? pick(lang, d.label) : d.what}{" "}
              {d.label && (
                <span class="hint">
                  ({d.legal_basis}{d.unverified ? `; ${t("desk.deadlines.unverified")}` : ""}){" "}
                </span>
              )}
              {d.first_due && (
                <p class="hint">{t("desk.deadlines.movedFrom", { day: date(lang, d.first_due), why: d.moved_because ?? "" })}</p>
              )}
              {d.done ? (
                <Badge kind="ok">{t("desk.deadlines.done")}</Badge>
              ) : (
                <>
                  {d.due < today && <Badge kind="late">{t("desk.deadlines.overdue")}</Badge>}{" "}
                  {props.write && (
                    <button type="button" class="small secondary" disabled={finishing.saving}
                      onClick={() => finish(async () => {
                        await staffCall(props.session, "POST", `${props.path}/deadlines/${d.id}/done`);
                        props.done();
                        return t("desk.deadlines.marked");
                      })}>
                      {t("desk.deadlines.markDone", { what: d.label ? pick(lang, d.label) : d.what })}
                    </button>
                  )}
                  {props.write && <MoveDeadline session={props.session} path={props.path} d={d} done={props.done} />}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Outcome state={finishing} />
      {props.write && (
        <form class="stack narrow" onSubmit={add}>
          <h3>{t("desk.deadlines.add")}</h3>
          <Text label={t("desk.deadlines.due")} type="date" value={due} set={setDue} />
          <Text label={t("desk.deadlines.what")} value={what} set={setWhat} hint={t("desk.deadlines.whatHint")} maxLength={200} />
          <p>
            <button type="submit" class="secondary" disabled={state.saving}>{t("desk.deadlines.addSubmit")}</button>
          </p>
          <Outcome state={state} />
        </form>
      )}
    </section>
  );
}
