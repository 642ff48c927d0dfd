// Complaints against police officers and other officials: the list (a page at a time), a new
// complaint (rank and unit only, never a name), and each one's outcome once decided.
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading } from "../../common";
import { date } from "../../i18n/fmt";
import { Outcome, Text, useSubmit } from "../forms";
import { More, usePages } from "../lists";
import { staffCall, type Session } from "../session";
import { dayFromNow, lists, Select, useLabels, type Vocabulary } from "./ui";

type Page = Schemas["ComplaintPage"];
type Complaint = Page["complaints"][number];
type Input = Schemas["ComplaintInput"];

export function OfficialsView(props: { session: Session; vocab: Vocabulary }) {
  const { t, lang, l } = useLabels();
  const s = props.session;
  const { pages, error, more } = usePages<Page>(s, "/complaints", "", "after");
  const rows = pages.flatMap((p) => p.complaints);
  // Complaints added or decided on this page (the list is oldest first, so a new one would be
  // on its last page): shown first, as they are now.
  const [shown, setShown] = useState<Record<number, Complaint>>({});
  return (
    <>
      <h1>{t("desk.officials.heading")}</h1>
      <p>{t("desk.officials.intro")}</p>
      <AddComplaint session={s} vocab={props.vocab} done={(c) => setShown((x) => ({ ...x, [c.id]: c }))} />
      <h2 id="complaints">{t("desk.officials.list")}</h2>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : rows.length === 0 && Object.keys(shown).length === 0 ? (
        <p>{t("desk.officials.none")}</p>
      ) : (
        <ul class="complaints">
          {[...Object.values(shown).filter((c) => !rows.some((r) => r.id === c.id)), ...rows].map((r) => {
            const c = shown[r.id] ?? r;
            return (
              <li key={c.id} class="card">
                <h3>
                  {t("desk.officials.number", { n: c.id })}: {c.official_rank}, {c.official_unit}
                </h3>
                <dl class="figures">
                  <div><dt>{t("desk.f.region")}</dt><dd>{l("region", c.region)}</dd></div>
                  <div><dt>{t("desk.officials.conduct")}</dt><dd>{l("conduct", c.conduct)}</dd></div>
                  <div><dt>{t("desk.officials.filedWith")}</dt><dd>{l("filedWith", c.filed_with)}</dd></div>
                  <div><dt>{t("desk.officials.filedOn")}</dt><dd>{date(lang, c.filed_on)}</dd></div>
                  <div>
                    <dt>{t("desk.f.outcome")}</dt>
                    <dd>
                      <span class={`badge ${c.outcome === "pending" ? "" : c.outcome === "rejected" ? "late" : "ok"}`}>{l("complaintOutcome", c.outcome)}</span>
                      {c.decided_on && ` · ${date(lang, c.decided_on)}`}
                      {c.article && ` · ${c.article}`}
                    </dd>
                  </div>
                </dl>
                <Decide session={s} c={c} done={(x) => setShown((m) => ({ ...m, [x.id]: x }))} />
              </li>
            );
          })}
        </ul>
      )}
      <More more={more} />
    </>
  );
}

function AddComplaint(props: { session: Session; vocab: Vocabulary; done: (c: Complaint) => void }) {
  const { t, l } = useLabels();
  const [caseCode, setCase] = useState("");
  const [rank, setRank] = useState("");
  const [unit, setUnit] = useState("");
  const [region, setRegion] = useState("");
  const [conduct, setConduct] = useState("");
  const [filedWith, setFiledWith] = useState("");
  const [filedOn, setFiledOn] = useState(dayFromNow(0));
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const body: Input = {
      official_rank: rank.trim(),
      official_unit: unit.trim(),
      region: region as Input["region"],
      conduct: conduct as Input["conduct"],
      filed_with: filedWith as Input["filed_with"],
      filed_on: filedOn,
      ...(caseCode.trim() ? { case: caseCode.trim() } : {}),
    };
    run(async () => {
      const c = await staffCall<Complaint>(props.session, "POST", "/complaints", body);
      props.done(c);
      setRank("");
      setUnit("");
      return t("desk.officials.added", { n: c.id });
    });
  };
  return (
    <details class="panel">
      <summary>{t("desk.officials.add")}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("desk.officials.rank")} value={rank} set={setRank} hint={t("desk.officials.noNames")} maxLength={100} />
        <Text label={t("desk.officials.unit")} value={unit} set={setUnit} maxLength={200} />
        <Select label={t("desk.f.region")} value={region} set={setRegion} options={props.vocab.regions} labelOf={(x) => l("region", x)}
          any={t("desk.form.choose")} required />
        <Select label={t("desk.officials.conduct")} value={conduct} set={setConduct} options={lists.conducts} labelOf={(x) => l("conduct", x)}
          any={t("desk.form.choose")} required />
        <Select label={t("desk.officials.filedWith")} value={filedWith} set={setFiledWith} options={lists.filedWith}
          labelOf={(x) => l("filedWith", x)} any={t("desk.form.choose")} required />
        <Text label={t("desk.officials.filedOn")} type="date" value={filedOn} set={setFiledOn} />
        <Text label={t("desk.officials.case")} value={caseCode} set={setCase} optional />
        <p>
          <button type="submit" disabled={state.saving}>{t("desk.officials.addSubmit")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}

function Decide(props: { session: Session; c: Complaint; done: (c: Complaint) => void }) {
  const { t, l } = useLabels();
  const [outcome, setOutcome] = useState(props.c.outcome === "pending" ? "" : props.c.outcome);
  const [on, setOn] = useState(props.c.decided_on ?? dayFromNow(0));
  const [article, setArticle] = useState(props.c.article);
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    run(async () => {
      const c = await staffCall<Complaint>(props.session, "POST", `/complaints/${props.c.id}/outcome`, {
        outcome, decided_on: on, ...(article.trim() ? { article: article.trim() } : {}),
      });
      props.done(c);
      return t("desk.officials.decided");
    });
  };
  return (
    <details>
      <summary>{t("desk.officials.record", { n: props.c.id })}</summary>
      <form class="stack narrow" onSubmit={submit}>
        <Select label={t("desk.f.outcome")} value={outcome} set={setOutcome} options={lists.complaintOutcomes}
          labelOf={(x) => l("complaintOutcome", x)} any={t("desk.form.choose")} required />
        <Text label={t("desk.officials.decidedOn")} type="date" value={on} set={setOn} />
        <Text label={t("desk.officials.article")} value={article} set={setArticle} optional maxLength={80} />
        <p>
          <button type="submit" disabled={state.saving}>{t("desk.officials.decide")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}
