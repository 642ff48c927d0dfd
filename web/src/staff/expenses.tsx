// Expenses: booking one (charged to one fund) with its receipt photographed on the phone or a PDF,
// the list with those waiting for approval, and one expense's page: its approvals (never by the
// person who booked it: the server says so), its receipts, and the lawyer's and the survivor's
// confirmations (on someone's behalf only with evidence).
import { useState } from "preact/hooks";
import { ApiError, type Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import type { Key } from "../i18n";
import { percent, today } from "../i18n/fmt";
import { Choice, currencyOf, DateField, Field, FundAmount, Outcome, Text, useAmount, useSubmit } from "./forms";
import { ExpenseList } from "./lists";
import { may, staffCall, upload, type Role, type Session } from "./session";

const categories = ["lawyer", "travel-flights", "travel-hotels", "travel-ground", "forensic", "medical", "psychological",
  "housing", "court-fees", "other"] as const;

export function ExpensesView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const [report, error] = useData(() => staffCall<Schemas["Report"]>(s, "GET", "/report"), [s.org]);  // fresh, not the public cache
  const [booked, setBooked] = useState(0);
  if (error) return <ErrorBox error={error} />;
  if (!report) return <Loading />;
  return (
    <>
      <h1>{t("staff.expenses.heading")}</h1>
      {may.book(s.user.role) && <BookExpense session={s} funds={report.funds} onBooked={() => setBooked((n) => n + 1)} />}
      <h2>{t("staff.expenses.list")}</h2>
      <ExpenseList session={s} key={booked} />
    </>
  );
}

// Stores a file (sealed on the server) with a progress line; resolves with its SHA-256.
function useUpload(session: Session) {
  const { t, lang } = useT();
  const [progress, setProgress] = useState<string | undefined>();
  const send = async (file: File) => {
    setProgress(t("staff.expenses.uploading", { pct: percent(lang, 0) }));
    try {
      const r = await upload<Schemas["FileStored"]>(session, "/files", file, (f) =>
        setProgress(t("staff.expenses.uploading", { pct: percent(lang, f) })));
      return r.sha256;
    } catch (e) {
      const x = e as { status?: number; reason?: string };
      throw new ApiError(x.status ?? 0, x.reason);
    } finally {
      setProgress(undefined);
    }
  };
  return [send, progress] as const;
}

function FileInput(props: { label: string; set: (f: File | undefined) => void; optional?: boolean }) {
  return (
    <Field label={props.label} optional={props.optional}>
      {(id) => (
        <input id={id} type="file" accept="image/*,application/pdf" capture="environment"
          onChange={(e) => props.set((e.currentTarget as HTMLInputElement).files?.[0])} />
      )}
    </Field>
  );
}

function BookExpense(props: { session: Session; funds: Schemas["Report"]["funds"]; onBooked: () => void }) {
  const { t } = useT();
  const [fund, setFund] = useState(props.funds.find((f) => f.restricted && f.status === "open")?.fund ?? "general");
  const currency = currencyOf(props.funds, fund);
  const amount = useAmount();
  const [category, setCategory] = useState<string>("lawyer");
  const [payee, setPayee] = useState("");
  const [memo, setMemo] = useState("");
  const [date, setDate] = useState(today());
  const [confirmDate, setConfirmDate] = useState(false);
  const [file, setFile] = useState<File | undefined>();
  const [send, progress] = useUpload(props.session);
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const minor = amount.check(currency);
    if (!minor) return;
    run(async () => {
      const sha = file ? await send(file) : undefined;  // first, so a refused file books nothing
      const r = await staffCall<Schemas["RecordCreated"]>(props.session, "POST", "/expenses", {
        date, amount: minor, currency, category, payee: payee.trim(), splits: [{ fund, amount: minor }],
        ...(memo.trim() ? { memo: memo.trim() } : {}),
        ...(confirmDate ? { confirm_date: true } : {}),
      });
      if (sha) await staffCall(props.session, "POST", `/expenses/${r.record}/receipts`, { sha256: sha });
      amount.setText(""), setPayee(""), setMemo(""), setFile(undefined);
      props.onBooked();
      return (
        <p>
          {t("staff.expenses.booked", { n: r.record })}{" "}
          <a href={`/staff/${props.session.org}/expenses/${r.record}`}>{t("staff.expenses.open", { n: r.record })}</a>
        </p>
      );
    });
  };
  return (
    <section class="panel" aria-labelledby="book">
      <h2 id="book">{t("staff.expenses.book")}</h2>
      <form class="stack narrow" onSubmit={submit}>
        <FundAmount funds={props.funds} fund={fund} setFund={setFund} amount={amount} />
        <Choice label={t("staff.expenses.category")} value={category} set={setCategory}
          options={categories.map((c) => [c, t(`category.${c}` as Key)])} />
        <Text label={t("staff.expenses.payee")} value={payee} set={setPayee} hint={t("staff.expenses.payeeHint")} maxLength={200} />
        <Text label={t("staff.expenses.memo")} value={memo} set={setMemo} optional maxLength={500} />
        <DateField date={date} setDate={setDate} confirm={confirmDate} setConfirm={setConfirmDate} />
        <FileInput label={t("staff.expenses.receipt")} set={setFile} optional />
        <button type="submit" disabled={state.saving}>
          {t("staff.expenses.submit")}
        </button>
        {progress && <p role="status">{progress}</p>}
        <Outcome state={state} />
      </form>
    </section>
  );
}

export function ExpenseView(props: { session: Session; record: string }) {
  const { t } = useT();
  const s = props.session;
  const role = s.user.role;
  const [e, error, reload] = useData(
    () => staffCall<Schemas["ExpenseState"]>(s, "GET", `/expenses/${encodeURIComponent(props.record)}`),
    [props.record],
  );
  const [run, state] = useSubmit();
  if (error) return <ErrorBox error={error} />;
  if (!e) return <Loading />;
  const approve = () =>
    run(async () => {
      await staffCall(s, "POST", `/expenses/${e.record}/approvals`, {});
      reload();
      return t("staff.expenses.approved");
    });
  return (
    <>
      <p>
        <a href={`/staff/${s.org}/expenses`}>← {t("staff.expenses.heading")}</a>
      </p>
      <h1>{t("staff.expenses.open", { n: e.record })}</h1>
      {e.reversed_by !== undefined && <p class="warn">{t("staff.donations.reversed", { n: e.reversed_by })}</p>}
      {e.reversed_by === undefined && may.correct(role) && (
        <p>
          <a href={`/staff/${s.org}/corrections/${e.record}`}>{t("books.correct.link", { n: e.record })}</a>
        </p>
      )}
      <section aria-labelledby="appr">
        <h2 id="appr">
          {t("staff.expenses.approvals")} ({e.approvals.length}/2)
        </h2>
        <ul>
          {e.approvals.map((who) => (
            <li key={who}>{t("staff.expenses.approvedBy", { who })}</li>
          ))}
        </ul>
        {may.approve(role) && e.approvals.length < 2 && (
          <button type="button" onClick={approve} disabled={state.saving}>
            {t("staff.expenses.approve")}
          </button>
        )}
        <Outcome state={state} />
      </section>
      <section aria-labelledby="rcpt">
        <h2 id="rcpt">{t("staff.expenses.receipts")}</h2>
        {e.receipts.length === 0 ? <p>{t("appeal.none")}</p> : (
          <ul>
            {e.receipts.map((sha) => (
              <li key={sha}>
                <code>{sha.slice(0, 16)}…</code>
              </li>
            ))}
          </ul>
        )}
        {may.approve(role) && <Attach session={s} record={e.record} onDone={reload} />}
      </section>
      <section aria-labelledby="conf">
        <h2 id="conf">{t("staff.expenses.confirmations")}</h2>
        <dl class="figures">
          <div>
            <dt>{t("staff.expenses.lawyer")}</dt>
            <dd>{e.lawyer_confirmed ? t("staff.expenses.yes") : t("staff.expenses.no")}</dd>
          </div>
          <div>
            <dt>{t("staff.expenses.survivor")}</dt>
            <dd>{e.survivor_confirmed ? t("staff.expenses.yes") : t("staff.expenses.no")}</dd>
          </div>
        </dl>
        {confirmable(role, e).map((whose) => (
          <Confirm key={whose} session={s} record={e.record} whose={whose} onDone={reload} />
        ))}
      </section>
    </>
  );
}

// The confirmations this role may record and that are still missing: a lawyer or case worker
// only for an expense of a case of theirs (the server says so in may_confirm).
function confirmable(role: Role, e: Schemas["ExpenseState"]): ("lawyer" | "survivor")[] {
  const out: ("lawyer" | "survivor")[] = [];
  if (!e.may_confirm) return out;
  if ((role === "lawyer" || role === "director") && !e.lawyer_confirmed) out.push("lawyer");
  if ((role === "case_worker" || role === "director") && !e.survivor_confirmed) out.push("survivor");
  return out;
}

function Attach(props: { session: Session; record: number; onDone: () => void }) {
  const { t } = useT();
  const [file, setFile] = useState<File | undefined>();
  const [send, progress] = useUpload(props.session);
  const [run, state] = useSubmit();
  const submit = (ev: Event) => {
    ev.preventDefault();
    if (!file) return;
    run(async () => {
      const sha = await send(file);
      await staffCall(props.session, "POST", `/expenses/${props.record}/receipts`, { sha256: sha });
      props.onDone();
      return t("staff.expenses.attached");
    });
  };
  return (
    <form class="stack narrow" onSubmit={submit}>
      <FileInput label={t("staff.expenses.attach")} set={setFile} />
      <button type="submit" disabled={state.saving || !file}>
        {t("staff.expenses.attach")}
      </button>
      {progress && <p role="status">{progress}</p>}
      <Outcome state={state} />
    </form>
  );
}

function Confirm(props: { session: Session; record: number; whose: "lawyer" | "survivor"; onDone: () => void }) {
  const { t } = useT();
  const [file, setFile] = useState<File | undefined>();
  const [send, progress] = useUpload(props.session);
  const [run, state] = useSubmit();
  const whose = t(props.whose === "lawyer" ? "staff.expenses.lawyer" : "staff.expenses.survivor");
  const submit = (ev: Event) => {
    ev.preventDefault();
    run(async () => {
      const evidence = file ? await send(file) : undefined;
      await staffCall(props.session, "POST", `/expenses/${props.record}/confirmations`, {
        role: props.whose, ...(evidence ? { evidence } : {}),
      });
      props.onDone();
      return t("staff.expenses.confirmed");
    });
  };
  return (
    <form class="stack narrow panel" onSubmit={submit}>
      <FileInput label={t("staff.expenses.evidence")} set={setFile} optional />
      <button type="submit" disabled={state.saving}>
        {t("staff.expenses.confirmAs", { whose })}
      </button>
      {progress && <p role="status">{progress}</p>}
      <Outcome state={state} />
    </form>
  );
}
