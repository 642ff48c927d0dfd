// The dashboard: the organisation's figures at a glance, one fund's money raised and spent by
// month (the public appeal page's chart, with its table), and spending by category for the
// whole organisation and for that fund.
import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { MonthsChart } from "../chart";
import { ErrorBox, Fig, Loading, useData, useT } from "../common";
import type { Key } from "../i18n";
import { money, number, percent } from "../i18n/fmt";
import { Choice, fundOptions } from "./forms";
import { staffCall, type Session } from "./session";

export function DashboardView(props: { session: Session }) {
  const { t, lang } = useT();
  const s = props.session;
  const [data, error] = useData(
    () => Promise.all([staffCall<Schemas["Statistics"]>(s, "GET", "/statistics"), staffCall<Schemas["Report"]>(s, "GET", "/report")]),
    [s.org],
  );
  const [fund, setFund] = useState<string | undefined>();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const [st, report] = data;
  const chosen = fund ?? report.funds.find((f) => f.restricted && f.status === "open")?.fund ?? report.funds[0]?.fund ?? "general";
  return (
    <>
      <h1>{t("books.dashboard.heading")}</h1>
      <dl class="stats exact">
        {Fig(t("stats.raised"), money(lang, st.raised, st.currency))}
        {Fig(t("stats.spent"), money(lang, st.spent, st.currency))}
        {Fig(t("stats.donations"), number(lang, st.donations))}
        {Fig(t("stats.donors"), number(lang, st.unique_donors))}
        {Fig(t("stats.open"), `${number(lang, st.open_appeals)} / ${number(lang, st.appeals)}`)}
      </dl>
      <section>
        <h2 id="by-month">{t("appeal.overTime")}</h2>
        <div class="narrow">
          <Choice label={t("staff.form.fund")} value={chosen} set={setFund} options={fundOptions(t, report.funds)} />
        </div>
        <FundMonths session={s} fund={chosen} />
      </section>
      <section aria-labelledby="by-cat">
        <h2 id="by-cat">{t("books.dashboard.byCategory")}</h2>
        <Categories caption={t("books.dashboard.whole")} spent={st.spent_by_category} currency={st.currency} />
      </section>
    </>
  );
}

// One fund's months (its public page's figures, fresh) and its spending by category.
function FundMonths(props: { session: Session; fund: string }) {
  const { t } = useT();
  const [page, error] = useData(
    () => staffCall<Schemas["AppealPage"]>(props.session, "GET", `/appeals/${encodeURIComponent(props.fund)}?limit=1`),
    [props.fund],
  );
  if (error) return <ErrorBox error={error} />;
  if (!page) return <Loading />;
  const f = page.fund;
  const title = f.restricted ? `${f.fund} · ${f.title}` : t("appeal.general");
  return (
    <div aria-live="polite">
      {page.months.length === 0 ? <p>{t("appeal.noMoney")}</p> : <MonthsChart months={page.months} currency={f.currency} labelledBy="by-month" />}
      <h3>{t("books.dashboard.fundByCategory", { fund: title })}</h3>
      <Categories caption={t("books.dashboard.fundByCategory", { fund: title })} spent={f.spent_by_category} currency={f.currency} />
    </div>
  );
}

// Spending per category, largest first, each with its share drawn as a bar (the figures are
// in the cells; the bar is decoration).
function Categories(props: { caption: string; spent: Record<string, number>; currency: string }) {
  const { t, lang } = useT();
  const rows = Object.entries(props.spent).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, v]) => n + v, 0);
  if (rows.length === 0) return <p>{t("appeal.noExpenses")}</p>;
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={props.caption}>
    <table class="bars shares">
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("appeal.category")}</th>
          <th scope="col" class="num">{t("appeal.amount")}</th>
          <th scope="col" class="num">{t("books.dashboard.share")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([c, v]) => (
          <tr key={c}>
            <th scope="row">{t(`category.${c}` as Key)}</th>
            <td class="num">{money(lang, v, props.currency)}</td>
            <td class="num share">
              <span class="bar" aria-hidden="true" style={{ width: `${((v / total) * 100).toFixed(1)}%` }} />
              {percent(lang, v / total)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
