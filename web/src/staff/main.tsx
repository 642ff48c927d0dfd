// The staff's app (password + TOTP): /staff/ORG/ and below. It shows a role only what the role
// may do (the server refuses the rest anyway), keeps no data on the device, and logs out by
// itself after the session's idle time.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { Ctx, ErrorBox, followLinksWithin, LangSelect, Loading, navigate, useT } from "../common";
import { initialLang, loadCatalog, rememberLang, type Key, type Lang } from "../i18n";
import { AccountView } from "./account";
import { AppealsView } from "./appeals";
import { CorrectionView } from "./corrections";
import { DashboardView } from "./dashboard";
import { DonationsView } from "./donations";
import { ExpenseView, ExpensesView } from "./expenses";
import { LoginView } from "./login";
import { ReportView } from "./report";
import { TrailView } from "./trail";
import { UsersView } from "./users";
import { VaultView } from "./vault";
import { logout, may, resume, type Session } from "./session";
import { StatementsView } from "./statements";
import { TransfersView } from "./transfers";

export type Page = "home" | "appeals" | "donations" | "expenses" | "expense" | "transfers" | "corrections" | "statements"
  | "report" | "dashboard" | "account" | "users" | "vault" | "trail" | "missing"
  | "hotline" | "consultations" | "cases" | "case" | "survivor" | "officials" | "desk-stats"
  | "publications" | "docket";
const pages: Page[] = ["appeals", "donations", "expenses", "transfers", "corrections", "statements", "report", "dashboard", "account",
  "users", "vault", "trail", "hotline", "consultations", "cases", "officials", "desk-stats",
  "publications", "docket"];
// The case desk's screens: a chunk of their own, loaded when one is opened (books staff never
// download them).
const deskPages: Page[] = ["hotline", "consultations", "cases", "case", "survivor", "officials", "desk-stats", "publications", "docket"];
export interface Route {
  org?: string;
  page: Page;
  id?: string;
}

export function parseRoute(path: string): Route {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent).slice(1);  // after "staff"
  const org = seg[0];
  if (!org) return { page: "home" };
  if (!/^[a-z0-9-]{1,32}$/.test(org)) return { page: "missing" };
  if (seg.length === 1) return { org, page: "home" };
  if (seg.length === 3 && seg[1] === "expenses") return { org, page: "expense", id: seg[2] };
  if (seg.length === 3 && seg[1] === "corrections") return { org, page: "corrections", id: seg[2] };
  if (seg.length === 3 && seg[1] === "cases") return { org, page: "case", id: seg[2] };
  if (seg.length === 3 && seg[1] === "survivors") return { org, page: "survivor", id: seg[2] };
  const page = seg[1] as Page;
  if (seg.length === 2 && pages.includes(page)) return { org, page };
  return { org, page: "missing" };
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.pathname));
  const [session, setSession] = useState<Session | null | undefined>(undefined);  // undefined: checking
  const [notice, setNotice] = useState<Key | undefined>();
  const [idleMinutes, setIdleMinutes] = useState(30);
  const [flash, setFlash] = useState<Key | undefined>();  // said once on the next screen
  useEffect(() => setFlash(undefined), [route.page, route.id]);

  useEffect(() => rememberLang(lang), [lang]);
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.pathname));
    addEventListener("popstate", on);
    const unfollow = followLinksWithin((p) => p.startsWith("/staff/"));
    return () => {
      removeEventListener("popstate", on);
      unfollow();
    };
  }, []);
  // /staff/ goes to the first organisation.
  useEffect(() => {
    if (route.org || route.page !== "home") return;
    api.orgs().then((o) => o.orgs[0] && navigate(`/staff/${o.orgs[0]}/`), () => setSession(null));
  }, [route.org]);
  // A session this browser already has.
  useEffect(() => {
    if (route.org) resume(route.org).then((s) => setSession(s ?? null));
  }, [route.org]);
  // Logged out by itself after the idle time.
  useEffect(() => {
    if (!session) return;
    let last = Date.now();
    const touch = () => (last = Date.now());
    const events = ["pointerdown", "keydown"] as const;
    events.forEach((e) => addEventListener(e, touch));
    const timer = setInterval(() => {
      if (Date.now() - last < session.idleSeconds * 1000) return;
      logout(session).catch(() => undefined);
      setSession(null);
      setIdleMinutes(Math.round(session.idleSeconds / 60));
      setNotice("staff.idle");
    }, 15_000);
    return () => {
      clearInterval(timer);
      events.forEach((e) => removeEventListener(e, touch));
    };
  }, [session]);

  const out = () => {
    if (session) logout(session).catch(() => undefined);
    setSession(null);
    setNotice("staff.loggedOut");
  };
  let body;
  if (!route.org) body = route.page === "missing" ? <ErrorBox notFound /> : <Loading />;
  else if (session === undefined) body = <Loading />;
  else if (session === null)
    body = <LoginView org={route.org} notice={notice} idleMinutes={idleMinutes} onLogin={(s) => (setNotice(undefined), setSession(s))} />;
  else if (session.needsTotp)
    body = (
      <AccountView
        session={session}
        onEnrolled={() => (setSession({ ...session, needsTotp: false, user: { ...session.user, totp: true } }), setFlash("staff.account.totpOk"))}
      />
    );
  else body = <Screen route={route} session={session} />;
  return (
    <Ctx.Provider value={{ lang, org: route.org }}>
      <Header lang={lang} setLang={setLang} route={route} session={session ?? undefined} onLogout={out} />
      <main id="main" tabIndex={-1}>
        {flash && session && (
          <p class="done" role="status">
            <Flash k={flash} />
          </p>
        )}
        {body}
      </main>
    </Ctx.Provider>
  );
}

type DeskModule = typeof import("./desk");
let deskModule: DeskModule | undefined;
const loadDesk = () => import("./desk").then((m) => (deskModule = m));

function useDesk(wanted: boolean): DeskModule | undefined {
  const [m, setM] = useState(deskModule);
  useEffect(() => {
    if (wanted && !m) loadDesk().then(setM);
  }, [wanted]);
  return m;
}

function Desk(props: { route: Route; session: Session }) {
  const m = useDesk(true);
  return m ? <m.DeskScreen page={props.route.page} id={props.route.id} session={props.session} /> : <Loading />;
}

function Screen(props: { route: Route; session: Session }) {
  const { route, session } = props;
  const role = session.user.role;
  if (deskPages.includes(route.page)) return <Desk route={route} session={session} />;
  switch (route.page) {
    case "home":
      return <Home session={session} />;
    case "appeals":
      return may.books(role) || may.openAppeal(role) ? <AppealsView session={session} /> : <ErrorBox notFound />;
    case "donations":
      return may.books(role) ? <DonationsView session={session} /> : <ErrorBox notFound />;
    case "expenses":
      return may.expenses(role) ? <ExpensesView session={session} /> : <ErrorBox notFound />;
    case "expense":
      return may.expenses(role) ? <ExpenseView session={session} record={route.id ?? ""} /> : <ErrorBox notFound />;
    case "transfers":
      return may.books(role) ? <TransfersView session={session} /> : <ErrorBox notFound />;
    case "corrections":
      return may.correct(role) ? <CorrectionView session={session} record={route.id} /> : <ErrorBox notFound />;
    case "statements":
      return may.books(role) ? <StatementsView session={session} /> : <ErrorBox notFound />;
    case "report":
      return may.books(role) ? <ReportView session={session} /> : <ErrorBox notFound />;
    case "dashboard":
      return may.books(role) ? <DashboardView session={session} /> : <ErrorBox notFound />;
    case "account":
      return <AccountView session={session} />;
    case "users":
      return may.users(role) ? <UsersView session={session} /> : <ErrorBox notFound />;
    case "vault":
      return may.vault(role) ? <VaultView session={session} /> : <ErrorBox notFound />;
    case "trail":
      return may.trail(role) ? <TrailView session={session} /> : <ErrorBox notFound />;
    default:
      return <ErrorBox notFound />;
  }
}

function Flash(props: { k: Key }) {
  const { t } = useT();
  return <>{t(props.k)}</>;
}

function Home(props: { session: Session }) {
  const { t } = useT();
  // The desk's staff see the deadlines of their cases due within 14 days.
  const desk = useDesk(may.desk(props.session.user.role));
  return (
    <>
      <h1>{t("staff.home.heading")}</h1>
      <p>{t("staff.home.intro")}</p>
      {desk && <desk.Reminders session={props.session} />}
    </>
  );
}

function Header(props: { lang: Lang; setLang: (l: Lang) => void; route: Route; session?: Session; onLogout: () => void }) {
  const { t } = useT();
  const { org, page } = props.route;
  const s = props.session;
  useEffect(() => {
    document.title = `${t("staff.title")} · ${t("site.title")}`;
  }, [props.lang]);
  const link = (to: Page, key: Key) => (
    <a href={`/staff/${org}/${to}`} aria-current={page === to || (to === "expenses" && page === "expense") || (to === "cases" && page === "case") ? "page" : undefined}>
      {t(key)}
    </a>
  );
  const role = s?.user.role;
  return (
    <header class="site staff">
      <a class="skip" href="#main">
        {t("site.skip")}
      </a>
      <div class="bar">
        <a class="brand" href={org ? `/staff/${org}/` : "/staff/"}>
          {t("site.title")} · {t("staff.title")}
        </a>
        {s && role && !s.needsTotp && (
          <nav aria-label={t("staff.nav.menu")}>
            {(may.books(role) || may.openAppeal(role)) && link("appeals", "staff.nav.appeals")}
            {may.books(role) && link("donations", "staff.nav.donations")}
            {may.expenses(role) && link("expenses", "staff.nav.expenses")}
            {may.books(role) && link("transfers", "books.nav.transfers")}
            {may.books(role) && link("statements", "books.nav.statements")}
            {may.books(role) && link("report", "books.nav.report")}
            {may.books(role) && link("dashboard", "books.nav.dashboard")}
            {may.hotline(role) && link("hotline", "deskNav.hotline")}
            {may.hotline(role) && link("consultations", "deskNav.consultations")}
            {may.desk(role) && link("cases", "deskNav.cases")}
            {may.caseWrite(role) && link("officials", "deskNav.officials")}
            {may.deskStats(role) && link("desk-stats", "deskNav.stats")}
            {may.publications(role) && link("publications", "deskNav.publications")}
            {may.docket(role) && link("docket", "deskNav.docket")}
            {may.users(role) && link("users", "admin.nav.users")}
            {may.vault(role) && link("vault", "admin.nav.vault")}
            {may.trail(role) && link("trail", "admin.nav.trail")}
            {link("account", "staff.nav.account")}
          </nav>
        )}
        <LangSelect lang={props.lang} setLang={props.setLang} />
        {s && (
          <span class="who">
            {t("staff.signedIn", { name: s.user.name, role: t(`staff.role.${s.user.role}` as Key) })}{" "}
            <button type="button" class="link" onClick={props.onLogout}>
              {t("staff.nav.logout")}
            </button>
          </span>
        )}
      </div>
    </header>
  );
}

// The reader's language is loaded before the first render, so nothing shows untranslated.
loadCatalog(initialLang()).then(() => render(<App />, document.getElementById("app")!));
