// The public site's header (title, navigation, language) and footer; the rest is shared with the
// staff's app (../common.tsx).
import { useEffect } from "preact/hooks";
import type { Lang } from "../i18n";
import { LangSelect, useT } from "../common";
import type { Route } from "./main";

export { Ctx, ErrorBox, Loading, useData, useT } from "../common";

export function Header(props: { lang: Lang; setLang: (l: Lang) => void; route: Route }) {
  const { t } = useT();
  const org = "org" in props.route ? props.route.org : undefined;
  const here = props.route.page;
  useEffect(() => {
    document.title = t("site.title");
  }, [props.lang]);
  return (
    <header class="site">
      <a class="skip" href="#main">
        {t("site.skip")}
      </a>
      <div class="bar">
        <a class="brand" href={org ? `/${org}/` : "/"}>
          {t("site.title")}
        </a>
        {org && (
          <nav aria-label={t("site.title")}>
            <a href={`/${org}/`} aria-current={here === "home" ? "page" : undefined}>
              {t("site.home")}
            </a>
            <a href={`/${org}/impact`} aria-current={here === "impact" ? "page" : undefined}>
              {t("impact.nav")}
            </a>
            <a href={`/${org}/publications`} aria-current={here === "publications" ? "page" : undefined}>
              {t("pubs.nav")}
            </a>
            <a href={`/${org}/verify`} aria-current={here === "verify" ? "page" : undefined}>
              {t("site.verify")}
            </a>
            <a href={`/${org}/help`} aria-current={here === "help" ? "page" : undefined}>
              {t("help.nav")}
            </a>
          </nav>
        )}
        <LangSelect lang={props.lang} setLang={props.setLang} />
      </div>
    </header>
  );
}

export function Footer() {
  const { t } = useT();
  return (
    <footer class="site">
      <p>{t("site.footer")}</p>
    </footer>
  );
}
