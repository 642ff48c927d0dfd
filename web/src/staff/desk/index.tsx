// The case desk's screens (issue 15), a chunk of their own that the staff's app loads when one
// of them is opened: the hotline form, consultations, cases and a case's page, a survivor's
// timeline, complaints against officials, the desk's figures, posts and their changes, the legal-defence
// docket, and the deadlines due soon. Each
// screen only for the roles the API allows (the server refuses the rest anyway).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorBox, Loading, useData, useT } from "../../common";
import { deskCatalogLoaded, loadDeskCatalog } from "../../i18n";
import { may, type Session } from "../session";
import { CaseView } from "./casepage";
import { CasesView } from "./cases";
import { ConsultationsView } from "./consultations";
import { HotlineView } from "./hotline";
import { DocketView } from "./docket";
import { OfficialsView } from "./officials";
import { PublicationsView } from "./publications";
import { DeskStatsView } from "./stats";
import { SurvivorView } from "./survivor";
import { loadVocabulary } from "./ui";

import { Reminders as RemindersView } from "./cases";

// The desk's messages in the reader's language before anything of the desk is shown (and with
// every language switched to afterwards).
function WithMessages(props: { children: ComponentChildren }) {
  const { lang } = useT();
  const [, setN] = useState(0);
  useEffect(() => {
    if (!deskCatalogLoaded(lang)) loadDeskCatalog(lang).then(() => setN((n) => n + 1));
  }, [lang]);
  return deskCatalogLoaded(lang) ? <>{props.children}</> : <Loading />;
}

export function Reminders(props: { session: Session }) {
  return (
    <WithMessages>
      <RemindersView session={props.session} />
    </WithMessages>
  );
}

export function DeskScreen(props: { page: string; id?: string; session: Session }) {
  return (
    <WithMessages>
      <Screen {...props} />
    </WithMessages>
  );
}

function Screen(props: { page: string; id?: string; session: Session }) {
  const s = props.session;
  const role = s.user.role;
  // Publications and the docket need no vocabulary (their lists are their own).
  if (props.page === "publications") return may.publications(role) ? <PublicationsView session={s} /> : <ErrorBox notFound />;
  if (props.page === "docket") return may.docket(role) ? <DocketView session={s} /> : <ErrorBox notFound />;
  return <VocabScreen {...props} />;
}

function VocabScreen(props: { page: string; id?: string; session: Session }) {
  const s = props.session;
  const role = s.user.role;
  const allowed =
    props.page === "hotline" || props.page === "consultations" ? may.hotline(role)
    : props.page === "officials" ? may.caseWrite(role)
    : props.page === "desk-stats" ? may.deskStats(role)
    : may.desk(role);
  const [vocab, error] = useData(() => (allowed ? loadVocabulary(s.org) : Promise.resolve(undefined)), [s.org, allowed]);
  if (!allowed) return <ErrorBox notFound />;
  if (error) return <ErrorBox error={error} />;
  if (!vocab) return <Loading />;
  switch (props.page) {
    case "hotline":
      return <HotlineView session={s} />;
    case "consultations":
      return <ConsultationsView session={s} categories={vocab.categories} />;
    case "cases":
      return <CasesView session={s} vocab={vocab} />;
    case "case":
      return <CaseView key={props.id} session={s} vocab={vocab} code={props.id ?? ""} />;
    case "survivor":
      return <SurvivorView key={props.id} session={s} vocab={vocab} code={props.id ?? ""} />;
    case "officials":
      return <OfficialsView session={s} vocab={vocab} />;
    case "desk-stats":
      return <DeskStatsView session={s} vocab={vocab} />;
    default:
      return <ErrorBox notFound />;
  }
}
