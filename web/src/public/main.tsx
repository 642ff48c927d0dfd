// The public transparency site (no login): each organisation's appeals and figures, an appeal's
// page, and "verify my donation". Paths: /ORG/ (appeals), /ORG/appeals/CODE, /ORG/verify; "/"
// goes to the first organisation the server serves.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { initialLang, loadCatalog, rememberLang, type Lang } from "../i18n";
import { AppealView, prefetchAppeal } from "./appeal";
import { Home } from "./home";
import { followLinksWithin } from "../common";
import { Header, Footer, Loading, ErrorBox, Ctx } from "./ui";
import { VerifyView } from "./verify";
import { HelpView } from "./help";
import { ImpactView } from "./impact";
import { PublicationsView } from "./publications";

export type Route =
  | { page: "root" }
  | { page: "home"; org: string }
  | { page: "appeal"; org: string; code: string }
  | { page: "verify"; org: string }
  | { page: "help"; org: string }
  | { page: "impact"; org: string }
  | { page: "publications"; org: string }
  | { page: "missing"; org?: string };

export function parseRoute(path: string): Route {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (seg.length === 0) return { page: "root" };
  const org = seg[0]!;
  if (!/^[a-z0-9-]{1,32}$/.test(org)) return { page: "missing" };
  if (seg.length === 1) return { page: "home", org };
  if (seg.length === 2 && seg[1] === "verify") return { page: "verify", org };
  if (seg.length === 2 && seg[1] === "help") return { page: "help", org };
  if (seg.length === 2 && seg[1] === "impact") return { page: "impact", org };
  if (seg.length === 2 && seg[1] === "publications") return { page: "publications", org };
  if (seg.length === 3 && seg[1] === "appeals") return { page: "appeal", org, code: seg[2]! };
  return { page: "missing", org };
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.pathname));
  const [rootError, setRootError] = useState<unknown>(null);

  useEffect(() => rememberLang(lang), [lang]);
  useEffect(() => {
    const on = () => {
      setRoute(parseRoute(location.pathname));
      window.scrollTo(0, 0);
    };
    addEventListener("popstate", on);
    const unfollow = followLinksWithin((p) => !p.startsWith("/api/") && !p.startsWith("/log/"));
    return () => {
      removeEventListener("popstate", on);
      unfollow();
    };
  }, []);
  useEffect(() => {
    if (route.page !== "root") return;
    api.orgs().then(
      (o) => (o.orgs[0] ? history.replaceState(null, "", `/${o.orgs[0]}/`) : null, setRoute(parseRoute(location.pathname))),
      setRootError,
    );
  }, [route.page]);

  const org = "org" in route ? route.org : undefined;
  let body;
  switch (route.page) {
    case "root":
      body = rootError ? <ErrorBox error={rootError} /> : <Loading />;
      break;
    case "home":
      body = <Home org={route.org} />;
      break;
    case "appeal":
      body = <AppealView org={route.org} code={route.code} />;
      break;
    case "verify":
      body = <VerifyView org={route.org} />;
      break;
    case "help":
      body = <HelpView org={route.org} />;
      break;
    case "impact":
      body = <ImpactView org={route.org} />;
      break;
    case "publications":
      body = <PublicationsView org={route.org} />;
      break;
    default:
      body = <ErrorBox notFound />;
  }
  return (
    <Ctx.Provider value={{ lang, org }}>
      <Header lang={lang} setLang={setLang} route={route} />
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <Footer />
    </Ctx.Provider>
  );
}

// An appeal's figures are asked for at once, while the reader's language loads (it is loaded
// before the first render, so nothing shows untranslated).
const arrival = parseRoute(location.pathname);
if (arrival.page === "appeal") prefetchAppeal(arrival.org, arrival.code);
loadCatalog(initialLang()).then(() => render(<App />, document.getElementById("app")!));
