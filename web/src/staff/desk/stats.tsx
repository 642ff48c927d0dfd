// The desk's figures for staff (every record, from the maintained counts): the headline figures,
// consultations per month as bars with the same figures in a table, and tables by category and
// by region. Staff see small numbers: they see the records themselves.
import type { Schemas } from "../../api/client";
import { ErrorBox, Fig, Loading, useData } from "../../common";
import { month, number } from "../../i18n/fmt";
import { staffCall, type Session } from "../session";
import { stageLabel, useLabels, type Vocabulary } from "./ui";

type Stats = Schemas["DeskStats"];
type Count = Stats["counts"][number];

const sum = (rows: Count[], metric: string) => rows.filter((r) => r.metric === metric).reduce((n, r) => n + r.n, 0);

export function DeskStatsView(props: { session: Session; vocab: Vocabulary }) {
  const { t, lang } = useLabels();
  const s = props.session;
  const [data, error] = useData(
    () => Promise.all(["month", "category", "region"].map((by) => staffCall<Stats>(s, "GET", `/desk/stats?by=${by}`))),
    [s.org],
  );
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const [byMonth, byCategory, byRegion] = data as [Stats, Stats, Stats];
  const m = byMonth.counts;
  const stages = m.filter((r) => r.metric.startsWith("stage:") && r.n > 0);
  return (
    <>
      <h1>{t("desk.stats.heading")}</h1>
      <dl class="stats">
        {Fig(t("desk.stats.consultations"), number(lang, sum(m, "consultations")))}
        {Fig(t("desk.stats.survivors"), number(lang, sum(m, "survivors")))}
        {Fig(t("desk.stats.toCourt"), number(lang, sum(m, "to_court")))}
        {Fig(t("desk.stats.convicted"), number(lang, sum(m, "convicted")))}
        {Fig(t("desk.stats.officials"), number(lang, sum(m, "officials_accountable")))}
        {Fig(t("desk.stats.disciplinary"), number(lang, sum(m, "disciplinary")))}
      </dl>
      <section>
        <h2 id="per-month">{t("desk.stats.perMonth")}</h2>
        <MonthBars rows={m.filter((r) => r.metric === "consultations" && r.month)} labelledBy="per-month" />
      </section>
      <section>
        <h2 id="by-category">{t("desk.stats.byCategory")}</h2>
        <CrossTable id="by-category" rows={byCategory.counts} key_="category" kind="category"
          metrics={["consultations", "cases_opened", "to_court", "convictions", "convicted"]} />
      </section>
      <section>
        <h2 id="by-region">{t("desk.stats.byRegion")}</h2>
        <CrossTable id="by-region" rows={byRegion.counts} key_="region" kind="region" metrics={["consultations", "cases_opened", "to_court"]} />
      </section>
      <Sentences rows={m} />
      {stages.length > 0 && (
        <section aria-labelledby="stages-now">
          <h2 id="stages-now">{t("desk.stats.stagesNow")}</h2>
          <table class="narrow">
            <thead>
              <tr>
                <th scope="col">{t("desk.stage")}</th>
                <th scope="col" class="num">{t("desk.stats.cases")}</th>
              </tr>
            </thead>
            <tbody>
              {props.vocab.procedure.stages.map((st) => {
                const n = sum(stages, "stage:" + st.id);
                return n ? (
                  <tr key={st.id}>
                    <th scope="row">{stageLabel(lang, props.vocab.procedure, st.id)}</th>
                    <td class="num">{number(lang, n)}</td>
                  </tr>
                ) : null;
              })}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

// People convicted by what they were sentenced to (from the suspects' convictions), with the
// average prison term where there is one.
const bands = ["prison_under_5y", "prison_5_10y", "prison_over_10y", "non_custodial", "unknown"] as const;
function Sentences(props: { rows: Count[] }) {
  const { t, lang } = useLabels();
  const of = (band: string) => props.rows.filter((r) => r.metric === `sentenced:${band}`);
  const people = (band: string) => of(band).reduce((n, r) => n + r.n, 0);
  const months = (band: string) => of(band).reduce((n, r) => n + (r.sum ?? 0), 0);
  if (bands.every((b) => people(b) === 0)) return null;
  const averageYears = (m: number) => {
    const years = Math.round((m / 12) * 10) / 10;
    return t("desk.stats.years", { n: number(lang, years) }, years);
  };
  return (
    <section aria-labelledby="sentences">
      <h2 id="sentences">{t("desk.stats.sentences")}</h2>
      <p class="hint">{t("desk.stats.sentencesHint")}</p>
      <table class="narrow">
        <thead>
          <tr>
            <th scope="col">{t("desk.stats.sentence")}</th>
            <th scope="col" class="num">{t("desk.stats.people")}</th>
            <th scope="col" class="num">{t("desk.stats.averageTerm")}</th>
          </tr>
        </thead>
        <tbody>
          {bands.map((b) => {
            const n = people(b);
            return (
              <tr key={b}>
                <th scope="row">{t(`impact.band.${b}`)}</th>
                <td class="num">{number(lang, n)}</td>
                <td class="num">{b.startsWith("prison") && n ? averageYears(months(b) / n) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

// Consultations per month: bars (every month from the first to the last, empty ones too; the
// last 72 in the chart), with every month's figure in a table.
function MonthBars(props: { rows: Count[]; labelledBy: string }) {
  const { t, lang } = useLabels();
  const by = new Map<string, number>();
  for (const r of props.rows) by.set(r.month!, (by.get(r.month!) ?? 0) + r.n);
  const keys = [...by.keys()].sort();
  if (keys.length === 0) return <p>{t("desk.stats.none")}</p>;
  const months: [string, number][] = [];
  let [y, mo] = keys[0]!.split("-").map(Number) as [number, number];
  for (;;) {
    const k = `${y}-${String(mo).padStart(2, "0")}`;
    months.push([k, by.get(k) ?? 0]);
    if (k >= keys[keys.length - 1]!) break;
    mo === 12 ? ((mo = 1), (y += 1)) : (mo += 1);
  }
  const shown = months.slice(-72);
  const max = Math.max(1, ...shown.map(([, n]) => n));
  const W = 640, H = 200, pad = 28, slot = (W - pad) / shown.length, bar = Math.max(1.5, slot - 2);
  const yOf = (v: number) => H - pad - (v / max) * (H - pad * 2);
  const label = t("desk.stats.chartLabel", { from: month(lang, shown[0]![0]), to: month(lang, shown[shown.length - 1]![0]) });
  return (
    <>
      <figure class="chart">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
          <title>{label}</title>
          <line x1={pad} x2={W} y1={H - pad} y2={H - pad} class="axis" />
          {shown.map(([k, n], i) => (
            <rect key={k} class="in" x={pad + i * slot + 1} y={yOf(n)} width={bar} height={H - pad - yOf(n)} />
          ))}
          <text x={pad} y={H - 8} class="tick">{month(lang, shown[0]![0], true)}</text>
          <text x={W} y={H - 8} class="tick" text-anchor="end">{month(lang, shown[shown.length - 1]![0], true)}</text>
          <text x={pad} y={14} class="tick">{number(lang, max)}</text>
        </svg>
      </figure>
      <details>
        <summary>{t("desk.stats.table")}</summary>
        <div class="scroll" tabIndex={0} role="region" aria-labelledby={props.labelledBy}>
          <table class="months">
            <caption class="sr-only">{t("desk.stats.perMonth")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("appeal.month")}</th>
                <th scope="col" class="num">{t("desk.stats.consultations")}</th>
              </tr>
            </thead>
            <tbody>
              {[...months].reverse().map(([k, n]) => (
                <tr key={k}>
                  <th scope="row">{month(lang, k)}</th>
                  <td class="num">{number(lang, n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

function CrossTable(props: { id: string; rows: Count[]; key_: "category" | "region"; kind: "category" | "region"; metrics: string[] }) {
  const { t, lang, l } = useLabels();
  const keys = [...new Set(props.rows.filter((r) => props.metrics.includes(r.metric)).map((r) => r[props.key_] ?? ""))].filter(Boolean);
  const value = (k: string, metric: string) =>
    props.rows.filter((r) => r[props.key_] === k && r.metric === metric).reduce((n, r) => n + r.n, 0);
  keys.sort((a, b) => value(b, props.metrics[0]!) - value(a, props.metrics[0]!));
  if (keys.length === 0) return <p>{t("desk.stats.none")}</p>;
  return (
    <div class="scroll" tabIndex={0} role="region" aria-labelledby={props.id}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t(props.kind === "category" ? "desk.f.category" : "desk.f.region")}</th>
            {props.metrics.map((m) => (
              <th scope="col" class="num" key={m}>{t(`metric.${m as "consultations"}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th scope="row">{l(props.kind, k)}</th>
              {props.metrics.map((m) => (
                <td class="num" key={m}>{number(lang, value(k, m))}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
