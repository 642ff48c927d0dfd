// What both apps (the public site and the staff's) share: the language context, loading and
// error states (every server error shown from its reason, in the reader's language), the
// language switcher, and a data-loading hook.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import { ApiError } from "./api/client";
import { langNames, langs, loadCatalog, problemText, t, type Key, type Lang } from "./i18n";

export const Ctx = createContext<{ lang: Lang; org?: string }>({ lang: "ru" });

// t() bound to the page's language.
export function useT() {
  const { lang } = useContext(Ctx);
  return {
    lang,
    t: (key: Key, vars?: Record<string, string | number>, count?: number) => t(lang, key, vars, count),
  };
}

// The language switcher: the new language's messages are loaded before the page switches.
export function LangSelect(props: { lang: Lang; setLang: (l: Lang) => void }) {
  const { t } = useT();
  const change = (l: Lang) => loadCatalog(l).then(() => props.setLang(l));
  return (
    <label class="lang">
      <span>{t("lang.label")}</span>
      <select value={props.lang} onChange={(e) => change((e.currentTarget as HTMLSelectElement).value as Lang)}>
        {langs.map((l) => (
          <option value={l} lang={l} key={l}>
            {langNames[l]}
          </option>
        ))}
      </select>
    </label>
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

// The text for an error: a problem's reason in the reader's language, or "cannot reach the server".
export function errorText(lang: Lang, e: unknown): string {
  if (e instanceof ApiError) return e.status === 0 ? t(lang, "error.network") : problemText(lang, e.reason, e.status);
  return t(lang, "error.unknown", { status: String(e) });
}

export function ErrorBox(props: { error?: unknown; notFound?: boolean }) {
  const { t, lang } = useT();
  const text = props.notFound ? t("site.notFound") : errorText(lang, props.error);
  return (
    <div class="error" role="alert">
      <p>{text}</p>
    </div>
  );
}

// Loads `load()` whenever `deps` change: [value, error, reload] (value and error undefined while loading).
export function useData<T>(load: () => Promise<T>, deps: unknown[]): [T | undefined, unknown, () => void] {
  const [state, setState] = useState<[T | undefined, unknown]>([undefined, undefined]);
  const [n, setN] = useState(0);
  useEffect(() => setState([undefined, undefined]), deps);  // other data: nothing shown meanwhile
  useEffect(() => {
    // A reload keeps what is shown (and the forms on it) until the new data arrives.
    let live = true;
    load().then(
      (v) => live && setState([v, undefined]),
      (e) => live && setState([undefined, e ?? new Error("failed")]),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return [state[0], state[1], () => setN((x) => x + 1)];
}

export function navigate(to: string) {
  history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
}

// Same-origin links whose path `ours` accepts move within the app instead of reloading it.
export function followLinksWithin(ours: (path: string) => boolean): () => void {
  const click = (e: MouseEvent) => {
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.hasAttribute("download") || e.defaultPrevented || e.button !== 0) return;
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !ours(url.pathname)) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  };
  document.addEventListener("click", click);
  return () => document.removeEventListener("click", click);
}

// One figure of a <dl class="stats">: its label and its value, already formatted.
export function Fig(label: string, value: string) {
  return (
    <div key={label}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
