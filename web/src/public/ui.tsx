// Pieces every public page shares: the language context, the header with its language switcher,
// the footer, loading and error states, and a data-loading hook.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { langs, problemText, t, type Key, type Lang } from "../i18n";
import { en } from "../i18n/en";
import { kk } from "../i18n/kk";
import { ru } from "../i18n/ru";
import type { Route } from "./main";

export const Ctx = createContext<{ lang: Lang; org?: string }>({ lang: "ru" });

// t() bound to the page's language.
export function useT() {
  const { lang } = useContext(Ctx);
  return {
    lang,
    t: (key: Key, vars?: Record<string, string | number>, count?: number) => t(lang, key, vars, count),
  };
}

const names: Record<Lang, string> = { ru: ru.lang.name, kk: kk.lang.name, en: en.lang.name };

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
            <a href={`/${org}/verify`} aria-current={here === "verify" ? "page" : undefined}>
              {t("site.verify")}
            </a>
          </nav>
        )}
        <label class="lang">
          <span>{t("lang.label")}</span>
          <select
            value={props.lang}
            onChange={(e) => props.setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
          >
            {langs.map((l) => (
              <option value={l} lang={l} key={l}>
                {names[l]}
              </option>
            ))}
          </select>
        </label>
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

export function Loading() {
  const { t } = useT();
  return (
    <p class="loading" role="status">
      {t("site.loading")}
    </p>
  );
}

export function ErrorBox(props: { error?: unknown; notFound?: boolean }) {
  const { t, lang } = useT();
  let text = t("site.notFound");
  if (!props.notFound) {
    const e = props.error;
    if (e instanceof ApiError) text = e.status === 0 ? t("error.network") : problemText(lang, e.reason, e.status);
    else text = t("error.unknown", { status: String(e) });
  }
  return (
    <div class="error" role="alert">
      <p>{text}</p>
    </div>
  );
}

// Loads `load()` whenever `deps` change: [value, error] (both undefined while loading).
export function useData<T>(load: () => Promise<T>, deps: unknown[]): [T | undefined, unknown] {
  const [state, setState] = useState<[T | undefined, unknown]>([undefined, undefined]);
  useEffect(() => {
    let live = true;
    setState([undefined, undefined]);
    load().then(
      (v) => live && setState([v, undefined]),
      (e) => live && setState([undefined, e ?? new Error("failed")]),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
