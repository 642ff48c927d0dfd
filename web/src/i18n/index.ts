// The reader's language (Russian, Kazakh or English): chosen from the switcher, remembered in
// localStorage, else taken from the browser's preferences, else Russian. Messages are looked up
// by key ("appeal.raised") and filled with values already formatted by i18n/fmt.ts. Only the
// language being read is loaded (each catalogue is a chunk of its own): loadCatalog() before
// the first render and before switching.
import type { components } from "../api/schema.gen";
import type { deskEn } from "./desk-en";
import type { en } from "./en";

export type Lang = "ru" | "kk" | "en";
export const langs: Lang[] = ["kk", "ru", "en"];

// A message with plural forms (CLDR categories: en and kk use one/other, ru one/few/many/other).
export interface Plural {
  one: string;
  few?: string;
  many?: string;
  other: string;
}
export type Reason = components["schemas"]["Problem"]["reason"];
export type Problems = Record<Reason, string>;

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : T[K] extends Plural ? Plural : Shape<T[K]> };
export type Catalog = Shape<typeof en>;
// The case desk's messages (desk-*.ts): a catalogue of their own, loaded with the desk's screens
// only, so that the public site and the books staff never download them.
export type DeskCatalog = Shape<typeof deskEn>;

// Each language's name in itself, for the switcher (the catalogues are not all loaded).
export const langNames: Record<Lang, string> = { kk: "Қазақша", ru: "Русский", en: "English" };

const catalogs: Partial<Record<Lang, Catalog & Partial<DeskCatalog>>> = {};
let deskWanted = false;

export async function loadCatalog(lang: Lang): Promise<void> {
  if (!catalogs[lang])
    catalogs[lang] = {
      ...(lang === "ru" ? (await import("./ru")).ru : lang === "kk" ? (await import("./kk")).kk : (await import("./en")).en),
    };
  if (deskWanted && !catalogs[lang]!.desk)
    Object.assign(catalogs[lang]!,
      lang === "ru" ? (await import("./desk-ru")).deskRu : lang === "kk" ? (await import("./desk-kk")).deskKk : (await import("./desk-en")).deskEn);
}

// From now on every language loaded comes with the desk's messages too (and `lang` at once).
export function loadDeskCatalog(lang: Lang): Promise<void> {
  deskWanted = true;
  return loadCatalog(lang);
}
export const deskCatalogLoaded = (lang: Lang) => !!catalogs[lang]?.desk;

const stored = (): string | null => {
  try {
    return localStorage.getItem("amanat.lang");
  } catch {
    return null;
  }
};

export function initialLang(): Lang {
  const s = stored();
  if (s === "ru" || s === "kk" || s === "en") return s;
  for (const l of navigator.languages ?? [])
    for (const ours of langs) if (l.toLowerCase().startsWith(ours)) return ours;
  return "ru";
}

export function rememberLang(l: Lang) {
  try {
    localStorage.setItem("amanat.lang", l);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = l;
}

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string | Plural ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type Key = Leaves<Catalog & DeskCatalog>;

function lookup(lang: Lang, key: string): string | Plural {
  let v: unknown = catalogs[lang];
  for (const part of key.split(".")) v = (v as Record<string, unknown>)?.[part];
  if (typeof v === "string" || (typeof v === "object" && v !== null)) return v as string | Plural;
  return key;
}

function fill(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

// The message `key` in `lang`, with {name} filled from `vars`; for a plural message, the form
// for `count` (itself given as `vars.n`, formatted).
export function t(lang: Lang, key: Key, vars: Record<string, string | number> = {}, count?: number): string {
  const m = lookup(lang, key);
  if (typeof m === "string") return fill(m, vars);
  const cat = new Intl.PluralRules(lang).select(count ?? 0) as keyof Plural;
  return fill(m[cat] ?? m.other, vars);
}

export function problemText(lang: Lang, reason: string | undefined, status: number): string {
  const p = (catalogs[lang]?.problem ?? {}) as Record<string, string>;
  if (reason && reason in p) return p[reason]!;
  return fill(catalogs[lang]?.error.unknown ?? "{status}", { status });
}
