// The cases the user may see (filtered by stage, category and region, a page at a time), the
// deadlines due within 14 days, and opening a case for a survivor (prefilled from a consultation:
// ?survivor=&from=&category=&region=).
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading, navigate, useData } from "../../common";
import { date } from "../../i18n/fmt";
import { pick } from "../../protocols";
import { Outcome, Text, useSubmit } from "../forms";
import { More, usePages } from "../lists";
import { may, staffCall, type Session } from "../session";
import { Checks, dayFromNow, Select, stageLabel, useLabels, type Vocabulary } from "./ui";

type Page = Schemas["CasePage"];
export type CaseRow = Page["cases"][number];
type CaseInput = Schemas["CaseInput"];

export function CasesView(props: { session: Session; vocab: Vocabulary }) {
  const { t, lang, l } = useLabels();
  const s = props.session;
  const v = props.vocab;
  const [stage, setStage] = useState("");
  const [category, setCategory] = useState("");
  const [region, setRegion] = useState("");
  const q = (stage ? `&stage=${stage}` : "") + (category ? `&category=${category}` : "") + (region ? `&region=${region}` : "");
  const { pages, error, more } = usePages<Page>(s, "/cases", q, "after");
  const rows = pages.flatMap((p) => p.cases);
  const params = new URLSearchParams(location.search);
  return (
    <>
      <h1>{t("desk.cases.heading")}</h1>
      <Reminders session={s} />
      {may.hotline(s.user.role) && <OpenCase session={s} vocab={v} params={params} />}
      <h2 id="case-list">{t("desk.cases.list")}</h2>
      <div class="filters" role="search" aria-label={t("desk.filters")}>
        <Select label={t("desk.stage")} value={stage} set={setStage} options={v.procedure.stages.map((x) => x.id)}
          labelOf={(x) => stageLabel(lang, v.procedure, x)} any={t("desk.any")} />
        <Select label={t("desk.f.category")} value={category} set={setCategory} options={v.categories} labelOf={(x) => l("category", x)}
          any={t("desk.any")} />
        <Select label={t("desk.f.region")} value={region} set={setRegion} options={v.regions} labelOf={(x) => l("region", x)} any={t("desk.any")} />
      </div>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : rows.length === 0 ? (
        <p>{t("desk.cases.none")}</p>
      ) : (
        <CaseTable session={s} vocab={v} rows={rows} />
      )}
      <More more={more} />
    </>
  );
}

export function CaseTable(props: { session: Session; vocab: Vocabulary; rows: CaseRow[] }) {
  const { t, lang, l } = useLabels();
  const org = props.session.org;
  return (
    <table class="cards">
      <thead>
        <tr>
          <th scope="col">{t("desk.case")}</th>
          <th scope="col">{t("desk.stage")}</th>
          <th scope="col">{t("desk.f.category")}</th>
          <th scope="col">{t("desk.f.region")}</th>
          <th scope="col">{t("desk.opened")}</th>
          <th scope="col">{t("desk.survivor")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((c) => (
          <tr key={c.code}>
            <td data-label={t("desk.case")}>
              <a href={`/staff/${org}/cases/${encodeURIComponent(c.code)}`}>{c.code}</a>
            </td>
            <td data-label={t("desk.stage")}>{stageLabel(lang, props.vocab.procedure, c.stage)}</td>
            <td data-label={t("desk.f.category")}>{l("category", c.category)}</td>
            <td data-label={t("desk.f.region")}>{l("region", c.region)}</td>
            <td data-label={t("desk.opened")}>{date(lang, new Date(c.opened * 1000).toISOString().slice(0, 10))}</td>
            <td data-label={t("desk.survivor")}>
              <a href={`/staff/${org}/survivors/${encodeURIComponent(c.survivor)}`}>{c.survivor}</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Deadlines of the user's cases due within 14 days (overdue ones too), soonest first.
export function Reminders(props: { session: Session }) {
  const { t, lang } = useLabels();
  const s = props.session;
  const until = dayFromNow(14);
  const [data, error] = useData(() => staffCall<Schemas["DeadlineList"]>(s, "GET", `/deadlines?until=${until}`), [s.org, until]);
  const today = dayFromNow(0);
  return (
    <section class="reminders" aria-labelledby="reminders">
      <h2 id="reminders">{t("desk.reminders.heading")}</h2>
      {error ? <ErrorBox error={error} /> : !data ? <Loading /> : data.deadlines.length === 0 ? (
        <p>{t("desk.reminders.none")}</p>
      ) : (
        <ul class="deadlines">
          {data.deadlines.map((d) => (
            <li key={d.id} class={d.due < today ? "overdue" : undefined}>
              <strong>{date(lang, d.due)}</strong>
              {d.due < today && <span class="badge late">{t("desk.deadlines.overdue")}</span>} · {d.label ? pick(lang, d.label) : d.what} ·{" "}
              <a href={`/staff/${s.org}/cases/${encodeURIComponent(d.case)}`}>{d.case}</a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OpenCase(props: { session: Session; vocab: Vocabulary; params: URLSearchParams }) {
  const { t, l } = useLabels();
  const p = props.params;
  const v = props.vocab;
  const [survivor, setSurvivor] = useState(p.get("survivor") ?? "");
  const [category, setCategory] = useState(v.categories.includes(p.get("category") as never) ? p.get("category")! : "");
  const [region, setRegion] = useState(v.regions.includes(p.get("region") as never) ? p.get("region")! : "");
  const [context, setContext] = useState<string[]>([]);
  const [articles, setArticles] = useState("");
  const [privateProsecution, setPrivate] = useState(false);
  const [consents, setConsents] = useState<string[]>([]);
  const from = Number(p.get("from")) || undefined;
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const body: CaseInput = {
      survivor: survivor.trim(),
      category: category as CaseInput["category"],
      region: region as CaseInput["region"],
      context: context as CaseInput["context"],
      private_prosecution: privateProsecution,
      articles: articles.split(",").map((a) => a.trim()).filter(Boolean),
      consents: { stats: consents.includes("stats"), publish: consents.includes("publish"), police: consents.includes("police"),
        lawyer: consents.includes("lawyer"), services: consents.includes("services") },
      ...(from ? { from_consultation: from } : {}),
    };
    run(async () => {
      const r = await staffCall<Schemas["CaseOpened"]>(props.session, "POST", "/cases", body);
      navigate(`/staff/${props.session.org}/cases/${encodeURIComponent(r.code)}`);
      return null;
    });
  };
  return (
    <details class="panel" open={!!p.get("survivor")}>
      <summary>{t("desk.cases.open")}</summary>
      {from && <p class="hint">{t("desk.cases.fromConsultation", { n: from })}</p>}
      <form class="stack narrow" onSubmit={submit}>
        <Text label={t("desk.f.survivorCode")} value={survivor} set={setSurvivor} />
        <Select label={t("desk.f.category")} value={category} set={setCategory} options={v.categories} labelOf={(x) => l("category", x)}
          any={t("desk.form.choose")} required />
        <Select label={t("desk.f.region")} value={region} set={setRegion} options={v.regions} labelOf={(x) => l("region", x)}
          any={t("desk.form.choose")} required />
        <Checks legend={t("desk.f.context")} values={context} set={setContext} options={v.contexts} label={(x) => l("context", x)} />
        <Text label={t("desk.f.articles")} value={articles} set={setArticles} optional hint={t("desk.f.articlesHint")} />
        <label class="check">
          <input type="checkbox" checked={privateProsecution} onChange={(e) => setPrivate((e.currentTarget as HTMLInputElement).checked)} />{" "}
          {t("desk.f.privateProsecution")}
        </label>
        <Checks legend={t("desk.consents.heading")} values={consents} set={setConsents} options={["stats", "publish", "police", "lawyer", "services"]}
          label={(x) => t(`desk.consents.${x as "stats"}`)} />
        <p>
          <button type="submit" disabled={state.saving}>{t("desk.cases.openSubmit")}</button>
        </p>
        <Outcome state={state} />
      </form>
    </details>
  );
}
