// The JSON API under /api/v1, typed from the OpenAPI document (schema.gen.ts, generated). An
// error answer is an ApiError carrying the problem's stable `reason`, which the page translates
// (i18n problemText); its English `title`/`detail` are never shown.
import type { components } from "./schema.gen";

export type Schemas = components["schemas"];
export type Report = Schemas["Report"];
export type Fund = Report["funds"][number];
export type Statistics = Schemas["Statistics"];
export type Organisation = Schemas["Organisation"];
export type AppealPage = Schemas["AppealPage"];
export type DonationProof = Schemas["DonationProof"];
export type Organisations = Schemas["Organisations"];

export class ApiError extends Error {
  constructor(public status: number, public reason: string | undefined) {
    super(`HTTP ${status}${reason ? " " + reason : ""}`);
  }
}

export const base = "/api/v1";

export async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(base + path, { credentials: "same-origin", ...init });
  } catch {
    throw new ApiError(0, undefined);  // offline, or the server is down
  }
  if (!res.ok) {
    let reason: string | undefined;
    try {
      reason = ((await res.json()) as { reason?: string }).reason;
    } catch {
      // not a problem document
    }
    throw new ApiError(res.status, reason);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const org = (slug: string) => `/orgs/${encodeURIComponent(slug)}`;

export const api = {
  orgs: () => call<Organisations>("/orgs"),
  org: (slug: string) => call<Organisation>(org(slug)),
  report: (slug: string) => call<Report>(org(slug) + "/report"),
  statistics: (slug: string) => call<Statistics>(org(slug) + "/statistics"),
  appeal: (slug: string, code: string, before?: number) =>
    call<AppealPage>(org(slug) + `/appeals/${encodeURIComponent(code)}` + (before ? `?before=${before}` : "")),
  // The receipt code goes in the body, never the URL (it would end up in logs and history).
  proof: (slug: string, receipt: string) =>
    call<DonationProof>(org(slug) + "/donations/proof", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ receipt }),
    }),
};
