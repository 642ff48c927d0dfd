// Numbers, money and dates in the reader's language. Money is integer minor units with an ISO 4217
// code (never a float until the moment it is shown).
//
// Kazakh: Chromium ships no Kazakh number or date data (it prints "1,234,567.89" and
// "2025 M03 21"). Numbers for kk are formatted with ru-KZ, whose CLDR data is the same for
// decimals and currency ("1 234 567,89 ₸"); dates use the month names below, so that Kazakh
// reads as Kazakh ("21 наурыз 2025 ж.") in every browser, whatever its locale data. Russian uses
// ru-KZ too, so that tenge is "₸" rather than "KZT".
import type { Lang } from "./index";

const numberLocale: Record<Lang, string> = { ru: "ru-KZ", kk: "ru-KZ", en: "en" };

// Intl formatters are costly to make (on a slow phone most of a page's script time went to
// making them again for every figure), so each is made once per locale and options.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function numberFormat(locale: string, o: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const k = locale + JSON.stringify(o);
  let f = numberFormats.get(k);
  if (!f) numberFormats.set(k, (f = new Intl.NumberFormat(locale, o)));
  return f;
}
function dateFormat(locale: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = locale + JSON.stringify(o);
  let f = dateFormats.get(k);
  if (!f) dateFormats.set(k, (f = new Intl.DateTimeFormat(locale, o)));
  return f;
}

const kkMonths = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
  "қараша", "желтоқсан"];
const kkMonthsShort = ["қаң.", "ақп.", "нау.", "сәу.", "мам.", "мау.", "шіл.", "там.", "қыр.", "қаз.", "қар.", "жел."];

// Minor units per currency (ISO 4217), from the runtime's own data.
function digits(currency: string): number {
  try {
    return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

// 123456 KZT minor units -> "1 234,56 ₸" (ru, kk), "KZT 1,234.56" (en). With `whole`, whole
// amounts lose their ",00"; with "round", amounts are rounded to whole units (for the headline
// figures of the front page; every page with the exact figures is a click away).
export function money(lang: Lang, minor: number, currency: string, whole: boolean | "round" = false): string {
  const d = digits(currency);
  const value = minor / 10 ** d;  // exact for every amount below 2^53 minor units
  const showCents = !whole || (whole === true && minor % 10 ** d !== 0);
  return numberFormat(numberLocale[lang], {
    style: "currency",
    currency,
    currencyDisplay: lang === "en" ? "code" : "narrowSymbol",
    minimumFractionDigits: showCents ? d : 0,
    maximumFractionDigits: showCents ? d : 0,
  }).format(value);
}

export function number(lang: Lang, n: number): string {
  return numberFormat(numberLocale[lang]).format(n);
}

export function percent(lang: Lang, ratio: number): string {
  return numberFormat(numberLocale[lang], { style: "percent", maximumFractionDigits: 0 }).format(ratio);
}

function parts(iso: string): [number, number, number] {
  const [y, m, d] = iso.split("-").map(Number);
  return [y ?? 1970, m ?? 1, d ?? 1];
}

// "2025-03-21" -> "21 наурыз 2025 ж." / "21 марта 2025 г." / "21 March 2025".
export function date(lang: Lang, iso: string): string {
  const [y, m, d] = parts(iso);
  if (lang === "kk") return `${d} ${kkMonths[m - 1]} ${y} ж.`;
  return dateFormat(lang === "ru" ? "ru" : "en-GB", { dateStyle: "long", timeZone: "UTC" })
      .format(new Date(Date.UTC(y, m - 1, d)));
}

// "2025-03" -> "наурыз 2025 ж." / "март 2025 г." / "March 2025"; short: "нау. 2025" / "мар. 2025" / "Mar 2025".
export function month(lang: Lang, ym: string, short = false): string {
  const [y, m] = parts(ym + "-01");
  if (lang === "kk") return short ? `${kkMonthsShort[m - 1]} ${y}` : `${kkMonths[m - 1]} ${y} ж.`;
  return dateFormat(lang === "ru" ? "ru" : "en-GB", {
    month: short ? "short" : "long", year: "numeric", timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, 15)));
}

// What a person typed as an amount ("12345.67", "12 345,67", "12345") in minor units of
// `currency`, computed on the digits (never through a float); undefined when it is not an
// amount of that currency (more decimals than the currency has, letters, nothing).
export function parseAmount(text: string, currency: string): number | undefined {
  const d = digits(currency);
  const s = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  const m = /^(\d{1,15})(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] ?? "").length > d) return undefined;
  const minor = Number(m[1]) * 10 ** d + Number((m[2] ?? "").padEnd(d, "0") || "0");
  return Number.isSafeInteger(minor) && minor > 0 ? minor : undefined;
}

export function minorDigits(currency: string): number {
  return digits(currency);
}

// Today in the organisation's calendar as the browser sees it, YYYY-MM-DD.
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// An instant ("2025-03-21T09:30:00Z") as the reader's date and local time: "21 наурыз 2025 ж., 14:30".
export function dateTime(lang: Lang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return `${date(lang, day)}, ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
