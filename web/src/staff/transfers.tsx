// Transfers between funds: moving money from one fund to another with a public reason (a
// director only, as the server allows), and every transfer a page at a time.
import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import { today } from "../i18n/fmt";
import { Choice, currencyOf, DateField, fundOptions, FundAmount, Outcome, Text, useAmount, useSubmit, type Funds } from "./forms";
import { TransferList } from "./lists";
import { may, staffCall, type Session } from "./session";

export function TransfersView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const [report, error] = useData(() => staffCall<Schemas["Report"]>(s, "GET", "/report"), [s.org]);
  const [booked, setBooked] = useState(0);
  if (error) return <ErrorBox error={error} />;
  if (!report) return <Loading />;
  return (
    <>
      <h1>{t("books.transfers.heading")}</h1>
      {may.correct(s.user.role) && (
        <p>
          <a href={`/staff/${s.org}/corrections`}>{t("books.correct.open")}</a>
        </p>
      )}
      {may.transfer(s.user.role) && <BookTransfer session={s} funds={report.funds} onBooked={() => setBooked((n) => n + 1)} />}
      <h2>{t("books.transfers.list")}</h2>
      <TransferList session={s} key={booked} />
    </>
  );
}

function BookTransfer(props: { session: Session; funds: Funds; onBooked: () => void }) {
  const { t } = useT();
  const [from, setFrom] = useState("general");
  const [to, setTo] = useState(props.funds.find((f) => f.restricted && f.status === "open")?.fund ?? "general");
  const amount = useAmount();
  const [reason, setReason] = useState("");
  const [date, setDate] = useState(today());
  const [confirmDate, setConfirmDate] = useState(false);
  const [sameError, setSameError] = useState<string | undefined>();
  const [run, state] = useSubmit();
  const currency = currencyOf(props.funds, from);
  const submit = (e: Event) => {
    e.preventDefault();
    const minor = amount.check(currency);
    setSameError(from === to ? t("books.transfers.same") : undefined);
    if (!minor || from === to) return;
    run(async () => {
      const r = await staffCall<Schemas["RecordCreated"]>(props.session, "POST", "/transfers", {
        date, amount: minor, currency, from, to, reason: reason.trim(),
        ...(confirmDate ? { confirm_date: true } : {}),
      });
      amount.setText(""), setReason("");
      props.onBooked();
      return t("books.transfers.booked", { n: r.record });
    });
  };
  return (
    <section class="panel" aria-labelledby="book">
      <h2 id="book">{t("books.transfers.book")}</h2>
      <form class="stack narrow" onSubmit={submit}>
        <FundAmount funds={props.funds} fund={from} setFund={setFrom} amount={amount} label={t("books.transfers.from")} />
        <Choice label={t("books.transfers.to")} value={to} set={setTo} options={fundOptions(t, props.funds)} />
        {sameError && <p class="field-error" role="alert">{sameError}</p>}
        <Text label={t("books.transfers.reason")} value={reason} set={setReason} hint={t("books.publicHint")} maxLength={500} />
        <DateField date={date} setDate={setDate} confirm={confirmDate} setConfirm={setConfirmDate} />
        <button type="submit" disabled={state.saving}>
          {t("books.transfers.submit")}
        </button>
        <Outcome state={state} />
      </form>
    </section>
  );
}
