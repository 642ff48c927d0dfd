// The books' lists a page at a time (newest first; "show more" follows `next`): donations,
// expenses with those still waiting for their two approvals, transfers between funds and the
// bank statements imported. Their types are the API's own,
// taken by path from the generated OpenAPI types.
import { useEffect, useState } from "preact/hooks";
import type { paths } from "../api/schema.gen";
import { ErrorBox, Loading, useT } from "../common";
import type { Key } from "../i18n";
import { date, dateTime, money, number } from "../i18n/fmt";
import { may, staffCall, type Session } from "./session";

export type Ok<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { "application/json": infer T } } } } } ? T : never;
type Donations = Ok<"/orgs/{org}/donations">;
type Expenses = Ok<"/orgs/{org}/expenses">;
type Transfers = Ok<"/orgs/{org}/transfers">;
type Imports = Ok<"/orgs/{org}/imports">;

// Pages of `path` (with `query`), appended as "show more" is pressed.
// `cursor`: the query parameter that takes the previous page's `next` (before, or after).
export function usePages<T extends { next?: number }>(session: Session, path: string, query: string, cursor = "before") {
  const [pages, setPages] = useState<T[]>([]);
  const [error, setError] = useState<unknown>();
  const load = (before?: number) =>
    staffCall<T>(session, "GET", `${path}?limit=25${query}${before ? `&${cursor}=${before}` : ""}`).then(
      (p) => setPages((ps) => (before ? [...ps, p] : [p])),
      setError,
    );
  useEffect(() => {
    setPages([]);
    setError(undefined);
    load();
  }, [path, query]);
  const next = pages[pages.length - 1]?.next;
  return { pages, error, more: next !== undefined ? () => load(next) : undefined };
}

export function More(props: { more?: () => void }) {
  const { t } = useT();
  return props.more ? (
    <button type="button" onClick={props.more}>
      {t("staff.donations.more")}
    </button>
  ) : null;
}

export function DonationList(props: { session: Session }) {
  const { t, lang } = useT();
  const { pages, error, more } = usePages<Donations>(props.session, "/donations", "");
  if (error) return <ErrorBox error={error} />;
  if (pages.length === 0) return <Loading />;
  const rows = pages.flatMap((p) => p.donations);
  if (rows.length === 0) return <p>{t("staff.donations.none")}</p>;
  const correct = may.correct(props.session.user.role);
  return (
    <>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">{t("appeal.record")}</th>
            <th scope="col">{t("staff.form.date")}</th>
            <th scope="col">{t("staff.form.fund")}</th>
            <th scope="col">{t("staff.donations.channel")}</th>
            <th scope="col" class="num">{t("staff.form.amount")}</th>
            {correct && <th scope="col">{t("books.correct.column")}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.record} class={d.reversed_by !== undefined ? "reversed" : undefined}>
              <td data-label={t("appeal.record")}>{d.record}</td>
              <td class="date" data-label={t("staff.form.date")}>{date(lang, d.date)}</td>
              <td data-label={t("staff.form.fund")}>{d.fund === "general" ? t("appeal.general") : d.fund}</td>
              <td data-label={t("staff.donations.channel")}>{t(`staff.channel.${d.channel}` as Key)}</td>
              <td class="num" data-label={t("staff.form.amount")}>
                {money(lang, d.amount, d.currency)}
                {d.reversed_by !== undefined && <span class="note"> ({t("staff.donations.reversed", { n: d.reversed_by })})</span>}
              </td>
              {correct && <td data-label={t("books.correct.column")}><CorrectLink org={props.session.org} record={d.record} reversed={d.reversed_by} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
      <More more={more} />
    </>
  );
}

export function ExpenseList(props: { session: Session }) {
  const { t, lang } = useT();
  const [waiting, setWaiting] = useState(false);
  const { pages, error, more } = usePages<Expenses>(props.session, "/expenses", waiting ? "&waiting=true" : "");
  const rows = pages.flatMap((p) => p.expenses);
  return (
    <>
      <label class="check">
        <input type="checkbox" checked={waiting} onChange={(e) => setWaiting((e.currentTarget as HTMLInputElement).checked)} />{" "}
        {t("staff.expenses.waiting")}
      </label>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : rows.length === 0 ? (
        <p>{t("staff.expenses.none")}</p>
      ) : (
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">{t("appeal.record")}</th>
              <th scope="col">{t("staff.form.date")}</th>
              <th scope="col">{t("staff.expenses.category")}</th>
              <th scope="col">{t("staff.form.fund")}</th>
              <th scope="col" class="num">{t("staff.form.amount")}</th>
              <th scope="col">{t("staff.expenses.approvals")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.record} class={e.reversed_by !== undefined ? "reversed" : undefined}>
                <td data-label={t("appeal.record")}>
                  <a href={`/staff/${props.session.org}/expenses/${e.record}`}>{t("staff.expenses.open", { n: e.record })}</a>
                </td>
                <td class="date" data-label={t("staff.form.date")}>{date(lang, e.date)}</td>
                <td data-label={t("staff.expenses.category")}>{t(`category.${e.category}` as Key)}</td>
                <td data-label={t("staff.form.fund")}>{e.splits.map((s) => s.fund).join(", ")}</td>
                <td class="num" data-label={t("staff.form.amount")}>{money(lang, e.amount, e.currency)}</td>
                <td data-label={t("staff.expenses.approvals")}>{e.approvals.length}/2</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More more={more} />
    </>
  );
}

// A link to the correction form for a record not yet reversed.
export function CorrectLink(props: { org: string; record: number; reversed?: number }) {
  const { t } = useT();
  if (props.reversed !== undefined) return <>—</>;
  return <a href={`/staff/${props.org}/corrections/${props.record}`}>{t("books.correct.link", { n: props.record })}</a>;
}

export function TransferList(props: { session: Session }) {
  const { t, lang } = useT();
  const { pages, error, more } = usePages<Transfers>(props.session, "/transfers", "");
  if (error) return <ErrorBox error={error} />;
  if (pages.length === 0) return <Loading />;
  const rows = pages.flatMap((p) => p.transfers);
  if (rows.length === 0) return <p>{t("books.transfers.none")}</p>;
  const correct = may.correct(props.session.user.role);
  const fund = (f: string) => (f === "general" ? t("appeal.general") : f);
  return (
    <>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">{t("appeal.record")}</th>
            <th scope="col">{t("staff.form.date")}</th>
            <th scope="col">{t("books.transfers.from")}</th>
            <th scope="col">{t("books.transfers.to")}</th>
            <th scope="col" class="num">{t("staff.form.amount")}</th>
            <th scope="col">{t("books.transfers.reason")}</th>
            {correct && <th scope="col">{t("books.correct.column")}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.record} class={x.reversed_by !== undefined ? "reversed" : undefined}>
              <td data-label={t("appeal.record")}>{x.record}</td>
              <td class="date" data-label={t("staff.form.date")}>{date(lang, x.date)}</td>
              <td data-label={t("books.transfers.from")}>{fund(x.from)}</td>
              <td data-label={t("books.transfers.to")}>{fund(x.to)}</td>
              <td class="num" data-label={t("staff.form.amount")}>
                {money(lang, x.amount, x.currency)}
                {x.to_currency !== x.currency && <> → {money(lang, x.to_amount, x.to_currency)}</>}
                {x.reversed_by !== undefined && <span class="note"> ({t("staff.donations.reversed", { n: x.reversed_by })})</span>}
              </td>
              <td data-label={t("books.transfers.reason")}>{x.reason}</td>
              {correct && <td data-label={t("books.correct.column")}><CorrectLink org={props.session.org} record={x.record} reversed={x.reversed_by} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
      <More more={more} />
    </>
  );
}

export function ImportList(props: { session: Session }) {
  const { t, lang } = useT();
  const { pages, error, more } = usePages<Imports>(props.session, "/imports", "");
  if (error) return <ErrorBox error={error} />;
  if (pages.length === 0) return <Loading />;
  const rows = pages.flatMap((p) => p.imports);
  if (rows.length === 0) return <p>{t("books.statements.none")}</p>;
  return (
    <>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">{t("books.statements.number")}</th>
            <th scope="col">{t("books.statements.time")}</th>
            <th scope="col">{t("books.statements.format")}</th>
            <th scope="col" class="num">{t("books.statements.lines")}</th>
            <th scope="col">{t("books.statements.sha")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id}>
              <td data-label={t("books.statements.number")}>{i.id}</td>
              <td data-label={t("books.statements.time")}>{dateTime(lang, i.time)}</td>
              <td data-label={t("books.statements.format")}>{i.format}</td>
              <td class="num" data-label={t("books.statements.lines")}>{number(lang, i.lines)}</td>
              <td data-label={t("books.statements.sha")}><code title={i.sha256}>{i.sha256.slice(0, 12)}…</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      <More more={more} />
    </>
  );
}
