// Donations: booking one (the receipt code is shown once, to give to the donor, and kept
// nowhere), and the latest donations a page at a time.
import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { ErrorBox, Loading, useData, useT } from "../common";
import type { Key } from "../i18n";
import { today } from "../i18n/fmt";
import { Choice, currencyOf, DateField, FundAmount, Outcome, Text, useAmount, useSubmit } from "./forms";
import { DonationList } from "./lists";
import { may, staffCall, type Session } from "./session";

const channels = ["bank", "card", "cash", "mobile", "other"] as const;

export function DonationsView(props: { session: Session }) {
  const { t } = useT();
  const s = props.session;
  const [report, error] = useData(() => staffCall<Schemas["Report"]>(s, "GET", "/report"), [s.org]);  // fresh, not the public cache
  const [booked, setBooked] = useState(0);
  if (error) return <ErrorBox error={error} />;
  if (!report) return <Loading />;
  const funds = report.funds.filter((f) => f.status === "open");
  return (
    <>
      <h1>{t("staff.donations.heading")}</h1>
      {may.book(s.user.role) && <BookDonation session={s} funds={funds} onBooked={() => setBooked((n) => n + 1)} />}
      <h2>{t("staff.donations.list")}</h2>
      <DonationList session={s} key={booked} />
    </>
  );
}

function BookDonation(props: { session: Session; funds: Schemas["Report"]["funds"]; onBooked: () => void }) {
  const { t } = useT();
  const first = props.funds.find((f) => f.restricted) ?? props.funds[0];
  const [fund, setFund] = useState(first?.fund ?? "general");
  const currency = currencyOf(props.funds, fund);
  const amount = useAmount();
  const [channel, setChannel] = useState<string>("bank");
  const [date, setDate] = useState(today());
  const [confirmDate, setConfirmDate] = useState(false);
  const [donor, setDonor] = useState("");
  const [bankRef, setBankRef] = useState("");
  const [run, state] = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const minor = amount.check(currency);
    if (!minor) return;
    run(async () => {
      const r = await staffCall<Schemas["DonationCreated"]>(props.session, "POST", "/donations", {
        date, amount: minor, currency, channel, fund,
        ...(confirmDate ? { confirm_date: true } : {}),
        ...(donor.trim() ? { donor: donor.trim() } : {}),
        ...(bankRef.trim() ? { bank_ref: bankRef.trim() } : {}),
      });
      amount.setText(""), setDonor(""), setBankRef("");
      props.onBooked();
      return (
        <div class="receipt">
          <p>{t("staff.donations.receipt", { n: r.record })}</p>
          <p>
            <output class="code" aria-label={t("verify.label")}>{r.receipt_code}</output>
          </p>
        </div>
      );
    });
  };
  return (
    <section class="panel" aria-labelledby="book">
      <h2 id="book">{t("staff.donations.book")}</h2>
      <form class="stack narrow" onSubmit={submit}>
        <FundAmount funds={props.funds} fund={fund} setFund={setFund} amount={amount} />
        <Choice label={t("staff.donations.channel")} value={channel} set={setChannel}
          options={channels.map((c) => [c, t(`staff.channel.${c}` as Key)])} />
        <DateField date={date} setDate={setDate} confirm={confirmDate} setConfirm={setConfirmDate} />
        <Text label={t("staff.donations.donor")} value={donor} set={setDonor} optional hint={t("staff.donations.donorHint")} maxLength={200} />
        <Text label={t("staff.donations.bankRef")} value={bankRef} set={setBankRef} optional maxLength={140} />
        <button type="submit" disabled={state.saving}>
          {t("staff.donations.submit")}
        </button>
        <Outcome state={state} />
      </form>
    </section>
  );
}
