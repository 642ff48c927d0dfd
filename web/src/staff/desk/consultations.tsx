// The hotline's consultations, newest first, a page at a time, filtered by category and period.
import { useState } from "preact/hooks";
import type { Schemas } from "../../api/client";
import { ErrorBox, Loading } from "../../common";
import { dateTime, number } from "../../i18n/fmt";
import { Text } from "../forms";
import { More, usePages } from "../lists";
import { may, type Session } from "../session";
import { Select, useLabels } from "./ui";

type Page = Schemas["ConsultationPage"];
export type Consultation = Page["consultations"][number];

export function ConsultationsView(props: { session: Session; categories: readonly string[] }) {
  const { t, l } = useLabels();
  const [category, setCategory] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const q = (category ? `&category=${category}` : "") + (from ? `&from=${from}` : "") + (to ? `&to=${to}` : "");
  const { pages, error, more } = usePages<Page>(props.session, "/consultations", q);
  const rows = pages.flatMap((p) => p.consultations);
  return (
    <>
      <h1>{t("desk.consultations.heading")}</h1>
      <p>
        <a class="button" href={`/staff/${props.session.org}/hotline`}>{t("desk.consultations.new")}</a>
      </p>
      <div class="filters" role="search" aria-label={t("desk.filters")}>
        <Select label={t("desk.f.category")} value={category} set={setCategory} options={props.categories} labelOf={(x) => l("category", x)}
          any={t("desk.any")} />
        <Text label={t("desk.from")} type="date" value={from} set={setFrom} optional />
        <Text label={t("desk.to")} type="date" value={to} set={setTo} optional />
      </div>
      {error ? <ErrorBox error={error} /> : pages.length === 0 ? <Loading /> : rows.length === 0 ? (
        <p>{t("desk.consultations.none")}</p>
      ) : (
        <ConsultationTable session={props.session} rows={rows} />
      )}
      <More more={more} />
    </>
  );
}

export function ConsultationTable(props: { session: Session; rows: Consultation[] }) {
  const { t, lang, l } = useLabels();
  const org = props.session.org;
  // A survivor named without a case yet: whoever may open cases opens hers from here (a case
  // worker taking over from the hotline: the consultation lets them).
  const open = may.hotline(props.session.user.role);
  return (
    <table class="cards consultations">
      <thead>
        <tr>
          <th scope="col">{t("desk.number")}</th>
          <th scope="col">{t("desk.when")}</th>
          <th scope="col">{t("desk.f.category")}</th>
          <th scope="col">{t("desk.f.region")}</th>
          <th scope="col">{t("desk.f.channel")}</th>
          <th scope="col">{t("desk.f.outcome")}</th>
          <th scope="col">{t("desk.hoursSince")}</th>
          <th scope="col">{t("desk.survivor")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((c) => (
          <tr key={c.id}>
            <td data-label={t("desk.number")}>{c.id}</td>
            <td data-label={t("desk.when")}>{dateTime(lang, new Date(c.at * 1000).toISOString())}</td>
            <td data-label={t("desk.f.category")}>
              {l("category", c.category)}
              {c.context.length > 0 && <span class="note"> ({c.context.map((x) => l("context", x)).join(", ")})</span>}
            </td>
            <td data-label={t("desk.f.region")}>{l("region", c.region)}</td>
            <td data-label={t("desk.f.channel")}>{l("channel", c.channel)}</td>
            <td data-label={t("desk.f.outcome")}>{l("outcome", c.outcome)}</td>
            <td data-label={t("desk.hoursSince")}>{c.hours_since !== undefined ? number(lang, c.hours_since) : "—"}</td>
            <td data-label={t("desk.survivor")}>
              {c.survivor ? <a href={`/staff/${org}/survivors/${encodeURIComponent(c.survivor)}`}>{c.survivor}</a> : "—"}
              {c.survivor && c.case_id === undefined && open && (
                <div>
                  <a aria-label={t("desk.consultations.openCaseFor", { n: c.id })}
                    href={`/staff/${org}/cases?${new URLSearchParams({ from: String(c.id), category: c.category, region: c.region, survivor: c.survivor })}`}>
                    {t("desk.hotline.openCase")}
                  </a>
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
