// The organisation's impact in figures for one calendar year (GET /impact?year=): consented
// records only, in four fixed tables with their totals. A hidden cell (fewer than 5, or hidden so
// that the totals cannot give a hidden one away) shows a neutral mark, explained by the legend;
// its number is never in the page.
import { useEffect, useState } from "preact/hooks";
import { call, type Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import type { Key } from "../i18n";
import { number } from "../i18n/fmt";

type Impact = Schemas["Impact"];
type Table = Impact["consultations_by_quarter"];
type Value = { hidden: boolean; n?: number };

const lastYears = (n: number) => Array.from({ length: n }, (_, i) => new Date().getFullYear() - i);
const hasData = (i: Impact) =>
  [i.consultations_by_quarter, i.cases_by_milestone, i.consultations_by_region, i.sentences_by_band].some((t) => t.column_totals.some((c) => c.hidden || (c.n ?? 0) > 0));

export function ImpactView(props: { org: string }) {
  const { t } = useT();
  const asked = Number(new URLSearchParams(location.search).get("year")) || undefined;
  // The last 8 years, to offer only those with figures.
  const [all, error] = useData(
    () => Promise.all(lastYears(8).map((y) => call<Impact>(`/orgs/${encodeURIComponent(props.org)}/impact?year=${y}`))),
    [props.org],
  );
  const [year, setYear] = useState<number | undefined>(asked);
  useEffect(() => {
    document.title = `${t("impact.heading")} · ${t("site.title")}`;
  }, [t("impact.heading")]);
  if (error) return <ErrorBox error={error} />;
  if (!all) return <Loading />;
  const years = all.filter(hasData).map((i) => i.year);
  const chosen = year ?? years[0] ?? lastYears(1)[0]!;
  const choose = (y: number) => {
    setYear(y);
    history.replaceState(null, "", `${location.pathname}?year=${y}`);
  };
  const data = all.find((i) => i.year === chosen);
  return (
    <>
      <h1>{t("impact.heading")}</h1>
      <p>{t("impact.intro")}</p>
      {years.length === 0 ? (
        <p>{t("impact.noData")}</p>
      ) : (
        <div class="field narrow">
          <label for="impact-year">{t("impact.year")}</label>
          <select id="impact-year" value={String(chosen)} onChange={(e) => choose(Number((e.currentTarget as HTMLSelectElement).value))}>
            {(years.includes(chosen) ? years : [chosen, ...years]).map((y) => (
              <option key={y} value={String(y)}>
                {y}
              </option>
            ))}
          </select>
        </div>
      )}
      <p class="legend" id="impact-legend">
        <span class="hidden-mark" aria-hidden="true">—</span> {t("impact.legend", { k: data?.k ?? 5 })}
      </p>
      {data ? <Year data={data} /> : <YearFetched org={props.org} year={chosen} />}
    </>
  );
}

function YearFetched(props: { org: string; year: number }) {
  const [data, error] = useData(() => call<Impact>(`/orgs/${encodeURIComponent(props.org)}/impact?year=${props.year}`), [props.year]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return <Year data={data} />;
}

function Year(props: { data: Impact }) {
  const { t } = useT();
  const d = props.data;
  const cat = (c: string) => t(`vocab.category.${c}` as Key);
  return (
    <>
      <ImpactTable id="t-quarter" caption={t("impact.byQuarter", { year: d.year })} table={d.consultations_by_quarter}
        rowLabel={cat} colLabel={(q) => t(`impact.quarter.${q as "Q1"}`)} rowHead={t("impact.category")} />
      <ImpactTable id="t-milestone" caption={t("impact.byMilestone", { year: d.year })} table={d.cases_by_milestone}
        rowLabel={cat} colLabel={(m) => t(`metric.${m as "consultations"}`)} rowHead={t("impact.category")} />
      <ImpactTable id="t-region" caption={t("impact.byRegion", { year: d.year })} table={d.consultations_by_region}
        rowLabel={(r) => t(`vocab.region.${r}` as Key)} colLabel={() => t("metric.consultations")} rowHead={t("impact.region")} />
      <ImpactTable id="t-sentence" caption={t("impact.bySentence", { year: d.year })} table={d.sentences_by_band}
        rowLabel={(b) => t(`impact.band.${b}` as Key)} colLabel={() => t("impact.people")} rowHead={t("impact.sentence")} />
    </>
  );
}

function Cell(props: { v: Value; th?: boolean }) {
  const { t, lang } = useT();
  const body = props.v.hidden ? (
    <>
      <span class="hidden-mark" aria-hidden="true">—</span>
      <span class="sr-only">{t("impact.hidden")}</span>
    </>
  ) : (
    number(lang, props.v.n ?? 0)
  );
  return <td class={props.v.hidden ? "num hidden" : "num"}>{body}</td>;
}

function ImpactTable(props: {
  id: string;
  caption: string;
  table: Table;
  rowLabel: (r: string) => string;
  colLabel: (c: string) => string;
  rowHead: string;
}) {
  const { t } = useT();
  const tb = props.table;
  const cell = (r: string, c: string) => tb.cells.find((x) => x.row === r && x.column === c) ?? { hidden: true };
  // A table whose rows do not add up (a case counts as opened, in court and convicted) has no row
  // totals and no grand total; a one-column table needs none.
  const single = tb.columns.length === 1 || tb.row_totals.length === 0;
  return (
    <section>
      <h2 id={props.id}>{props.caption}</h2>
      <div class="scroll" tabIndex={0} role="region" aria-labelledby={props.id}>
        <table class="impact" aria-describedby="impact-legend">
          <thead>
            <tr>
              <th scope="col">{props.rowHead}</th>
              {tb.columns.map((c) => (
                <th scope="col" class="num" key={c}>{props.colLabel(c)}</th>
              ))}
              {!single && <th scope="col" class="num">{t("impact.total")}</th>}
            </tr>
          </thead>
          <tbody>
            {tb.rows.map((r, i) => (
              <tr key={r}>
                <th scope="row">{props.rowLabel(r)}</th>
                {tb.columns.map((c) => (
                  <Cell key={c} v={cell(r, c)} />
                ))}
                {!single && <Cell v={tb.row_totals[i] ?? { hidden: true }} />}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t("impact.total")}</th>
              {tb.columns.map((c, i) => (
                <Cell key={c} v={tb.column_totals[i] ?? { hidden: true }} />
              ))}
              {!single && tb.total && <Cell v={tb.total} />}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
