// Money in and out per month as bars, with the same figures in a table: the public appeal page
// and the staff's dashboard show it alike.
import type { AppealPage } from "./api/client";
import { useT } from "./common";
import { money, month } from "./i18n/fmt";

type Month = AppealPage["months"][number];

// Bars of money in and out per month (up to the last 60 months in the chart; every month in
// the table). The chart is an image to screen readers, named with what it shows; the table
// carries the figures.
export function MonthsChart(props: { months: Month[]; currency: string; labelledBy: string }) {
  const { t, lang } = useT();
  const cur = props.currency;
  const all = props.months;
  // Every month from the first with money to the last, empty ones too, so that time reads evenly.
  const byMonth = new Map(all.map((m) => [m.month, m]));
  const continuous: typeof all = [];
  if (all.length > 0) {
    let [y, mo] = all[0]!.month.split("-").map(Number) as [number, number];
    const end = all[all.length - 1]!.month;
    for (;;) {
      const key = `${y}-${String(mo).padStart(2, "0")}`;
      continuous.push(byMonth.get(key) ?? { month: key, raised: 0, spent: 0 });
      if (key >= end) break;
      mo === 12 ? ((mo = 1), (y += 1)) : (mo += 1);
    }
  }
  const shown = continuous.slice(-60);
  const max = Math.max(1, ...shown.map((m) => Math.max(m.raised, m.spent)));
  const W = 640, H = 220, pad = 28, slot = (W - pad) / shown.length, bar = Math.max(2, slot / 2 - 2);
  const y = (v: number) => H - pad - (v / max) * (H - pad * 2);
  const first = shown[0]!, last = shown[shown.length - 1]!;
  const label = t("appeal.chartLabel", { from: month(lang, first.month), to: month(lang, last.month) });
  return (
    <>
      <figure class="chart">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
          <title>{label}</title>
          <line x1={pad} x2={W} y1={H - pad} y2={H - pad} class="axis" />
          {shown.map((m, i) => (
            <g key={m.month}>
              <rect class="in" x={pad + i * slot + 1} y={y(m.raised)} width={bar} height={H - pad - y(m.raised)} />
              <rect class="out" x={pad + i * slot + 1 + bar} y={y(m.spent)} width={bar} height={H - pad - y(m.spent)} />
            </g>
          ))}
          <text x={pad} y={H - 8} class="tick">
            {month(lang, first.month, true)}
          </text>
          <text x={W} y={H - 8} class="tick" text-anchor="end">
            {month(lang, last.month, true)}
          </text>
          <text x={pad} y={14} class="tick">
            {money(lang, max, cur, true)}
          </text>
        </svg>
        <figcaption>
          <span class="key in" aria-hidden="true" /> {t("appeal.raised")} <span class="key out" aria-hidden="true" />{" "}
          {t("appeal.spent")}
        </figcaption>
      </figure>
      <div class="scroll" tabIndex={0} role="region" aria-labelledby={props.labelledBy}>
        <table class="months">
          <caption class="sr-only">{t("appeal.overTime")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("appeal.month")}</th>
              <th scope="col" class="num">
                {t("appeal.raised")}
              </th>
              <th scope="col" class="num">
                {t("appeal.spent")}
              </th>
            </tr>
          </thead>
          <tbody>
            {[...all].reverse().map((m) => (
              <tr key={m.month}>
                <th scope="row">{month(lang, m.month)}</th>
                <td class="num">{money(lang, m.raised, cur)}</td>
                <td class="num">{money(lang, m.spent, cur)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
