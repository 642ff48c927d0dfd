// One appeal's public page: its target, raised, spent by category, balance; money in and out by
// month as a chart with the same figures in a table; every expense with its date, category,
// amount, approvals and the log records that commit to its receipts; the checkpoint.
import { useEffect, useState } from "preact/hooks";
import { api, type AppealPage } from "../api/client";
import { MonthsChart } from "../chart";
import { date, money, number, percent } from "../i18n/fmt";
import type { Key } from "../i18n";
import { CheckpointBox } from "./checkpoint";
import { ErrorBox, Loading, useData, useT } from "./ui";

type Expense = AppealPage["expenses"][number];

// The figures of the page the reader arrived on, asked for as soon as the script runs (main.tsx),
// beside the language's catalogue rather than after the first render; the server's Link: preload
// header has usually started the request already, and this fetch takes its answer. Used once:
// coming back to the page later asks again.
let early: { org: string; code: string; page: Promise<AppealPage> } | undefined;

export function prefetchAppeal(org: string, code: string) {
  early = { org, code, page: api.appeal(org, code) };
  early.page.catch(() => undefined);  // an error is shown when the page takes the answer
}

function appealPage(org: string, code: string): Promise<AppealPage> {
  if (early && early.org === org && early.code === code) {
    const page = early.page;
    early = undefined;
    return page;
  }
  return api.appeal(org, code);
}

export function AppealView(props: { org: string; code: string }) {
  const { t, lang } = useT();
  const [page, error] = useData(() => appealPage(props.org, props.code), [props.org, props.code]);
  const [more, setMore] = useState<Expense[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [moreError, setMoreError] = useState<unknown>();
  // The figures first, the months and the expenses (most of the page's work: hundreds of
  // formatted amounts and dates) in the frame after: on a slow phone the figures show sooner.
  const [details, setDetails] = useState(false);
  useEffect(() => {
    setMore([]);
    setNext(page?.next);
    if (!page) return setDetails(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setDetails(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [page]);
  useEffect(() => {
    if (page) document.title = `${page.fund.restricted ? page.fund.title : t("appeal.general")} · ${t("site.title")}`;
  }, [page, lang]);
  if (error) return <ErrorBox error={error} />;
  if (!page) return <Loading />;
  const f = page.fund;
  const target = f.target ?? 0;
  const title = f.restricted ? f.title : t("appeal.general");
  const loadMore = () =>
    next !== undefined &&
    api.appeal(props.org, props.code, next).then((p) => {
      setMore((m) => [...m, ...p.expenses]);
      setNext(p.next);
    }, setMoreError);
  const categories = Object.entries(f.spent_by_category).filter(([, v]) => v > 0);
  const expenses = [...page.expenses, ...more];
  return (
    <>
      <p>
        <a href={`/${props.org}/`}>← {t("site.back")}</a>
      </p>
      <h1>{title}</h1>
      <p class="meta">
        <span class={`status ${f.status}`}>{t(f.status === "open" ? "appeal.open" : "appeal.closed")}</span>
        {f.restricted && <span> · {f.fund}</span>}
        {f.case && <span> · {t("appeal.case", { code: f.case })}</span>}
      </p>
      <dl class="stats">
        {target > 0 && (
          <div>
            <dt>{t("appeal.target")}</dt>
            <dd>{money(lang, target, f.currency)}</dd>
          </div>
        )}
        <div>
          <dt>{t("appeal.raised")}</dt>
          <dd>{money(lang, f.raised, f.currency)}</dd>
        </div>
        <div>
          <dt>{t("appeal.spent")}</dt>
          <dd>{money(lang, f.spent, f.currency)}</dd>
        </div>
        <div>
          <dt>{t("appeal.balance")}</dt>
          <dd>{money(lang, f.balance, f.currency)}</dd>
        </div>
      </dl>
      {target > 0 && (
        <div class="progress">
          <div class="track" aria-hidden="true">
            <div class="fill" style={{ width: `${Math.min(100, (f.raised / target) * 100).toFixed(1)}%` }} />
          </div>
          <p>{t("appeal.ofTarget", { pct: percent(lang, f.raised / target) })}</p>
        </div>
      )}
      <p class="meta">
        {t("appeal.donationsCount", { n: number(lang, f.donations) }, f.donations)}{" "}
        {t("appeal.donorsCount", { n: number(lang, f.donors) }, f.donors)}
      </p>

      <section aria-labelledby="cats">
        <h2 id="cats">{t("appeal.byCategory")}</h2>
        {categories.length === 0 ? (
          <p>{t("appeal.noExpenses")}</p>
        ) : (
          <table class="bars">
            <thead>
              <tr>
                <th scope="col">{t("appeal.category")}</th>
                <th scope="col" class="num">
                  {t("appeal.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {categories.map(([c, v]) => (
                <tr key={c}>
                  <th scope="row">{t(`category.${c}` as Key)}</th>
                  <td class="num">{money(lang, v, f.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {details && <Details page={page} org={props.org} expenses={expenses} next={next} loadMore={loadMore} moreError={moreError} />}
    </>
  );
}

function Details(props: {
  page: AppealPage;
  org: string;
  expenses: Expense[];
  next: number | undefined;
  loadMore: () => unknown;
  moreError: unknown;
}) {
  const { t, lang } = useT();
  const { page, expenses, next, loadMore, moreError } = props;
  return (
    <>
      <section>
        <h2 id="months">{t("appeal.overTime")}</h2>
        {page.months.length === 0 ? <p>{t("appeal.noMoney")}</p> : <MonthsChart months={page.months} currency={page.fund.currency} labelledBy="months" />}
      </section>

      <section>
        <h2 id="expenses">{t("appeal.expenses")}</h2>
        {expenses.length === 0 ? (
          <p>{t("appeal.noExpenses")}</p>
        ) : (
          <div class="scroll" tabIndex={0} role="region" aria-labelledby="expenses">
            <table class="expenses cards">
              <thead>
                <tr>
                  <th scope="col">{t("appeal.date")}</th>
                  <th scope="col">{t("appeal.category")}</th>
                  <th scope="col" class="num">
                    {t("appeal.amount")}
                  </th>
                  <th scope="col">{t("appeal.approved")}</th>
                  <th scope="col">{t("appeal.receipt")}</th>
                  <th scope="col" class="num">
                    {t("appeal.record")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {expenses.map((e) => (
                  <tr key={e.record}>
                    <td class="date" data-label={t("appeal.date")}>{date(lang, e.date)}</td>
                    <td data-label={t("appeal.category")}>{t(`category.${e.category}` as Key)}</td>
                    <td class="num" data-label={t("appeal.amount")}>{money(lang, e.amount, e.currency)}</td>
                    <td data-label={t("appeal.approved")}>{e.approved ? t("appeal.yes") : t("appeal.no")}</td>
                    <td data-label={t("appeal.receipt")}>
                      {e.receipts.length === 0
                        ? t("appeal.none")
                        : e.receipts.map((r) => t("appeal.receiptRecord", { n: r })).join(", ")}
                    </td>
                    <td class="num" data-label={t("appeal.record")}>{e.record}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next !== undefined && (
          <button type="button" onClick={loadMore}>
            {t("appeal.more")}
          </button>
        )}
        {moreError !== undefined && <ErrorBox error={moreError} />}
      </section>
      <CheckpointBox org={props.org} size={page.log_size} />
    </>
  );
}
