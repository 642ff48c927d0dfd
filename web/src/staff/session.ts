// The staff's session in the browser: a cookie session (HttpOnly, SameSite=Strict, scoped to the
// organisation's API path) and its CSRF token, which lives only in this page's memory and is
// fetched again from /me after a reload. Unsafe calls send it as X-CSRF-Token. After the
// session's idle time without activity the page logs out by itself (the server would end the
// session anyway). Nothing of the session or of the data is written to the device.
import { call, type Schemas } from "../api/client";

export type User = Schemas["LoginResult"]["user"];
export type Role = User["role"];

export interface Session {
  org: string;
  user: User;
  csrf: string;
  idleSeconds: number;
  needsTotp: boolean;
}

const orgPath = (org: string) => `/orgs/${encodeURIComponent(org)}`;

export async function login(org: string, name: string, password: string, totp: string): Promise<Session> {
  const r = await call<Schemas["LoginResult"]>(orgPath(org) + "/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, password, kind: "cookie", ...(totp ? { totp } : {}) }),
  });
  return { org, user: r.user, csrf: r.csrf_token ?? "", idleSeconds: r.expires_idle_seconds, needsTotp: r.needs_totp_enrolment };
}

// The session this browser already has (after a reload), or undefined.
export async function resume(org: string): Promise<Session | undefined> {
  try {
    const r = await call<Schemas["Me"]>(orgPath(org) + "/me");
    return { org, user: r.user, csrf: r.csrf_token ?? "", idleSeconds: r.expires_idle_seconds, needsTotp: r.needs_totp_enrolment };
  } catch {
    return undefined;
  }
}

// A call as the logged-in user: JSON in and out, or a file (`raw`) in.
export function staffCall<T>(s: Session, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== "GET") headers["X-CSRF-Token"] = s.csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return call<T>(orgPath(s.org) + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
}

// Uploads a file with its progress (fetch reports none): resolves with the server's JSON. `type`:
// the media type to send, when the file's own (from its name) is not what the route takes.
export function upload<T>(s: Session, path: string, file: Blob, onProgress: (fraction: number) => void, type?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open("POST", "/api/v1" + orgPath(s.org) + path);
    x.setRequestHeader("X-CSRF-Token", s.csrf);
    x.setRequestHeader("Content-Type", type ?? (file.type || "application/octet-stream"));
    x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    x.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(x.responseText);
      } catch {
        body = undefined;
      }
      if (x.status >= 200 && x.status < 300) resolve(body as T);
      else reject(Object.assign(new Error(`HTTP ${x.status}`), { status: x.status, reason: (body as { reason?: string })?.reason }));
    };
    x.onerror = () => reject(Object.assign(new Error("network"), { status: 0 }));
    x.send(file);
  });
}

export function logout(s: Session): Promise<void> {
  return staffCall<void>(s, "DELETE", "/session");
}

// What each role may see in the menu; the server refuses the rest anyway.
export const may = {
  books: (r: Role) => r === "accountant" || r === "director" || r === "auditor",
  book: (r: Role) => r === "accountant" || r === "director",
  openAppeal: (r: Role) => r === "director" || r === "accountant" || r === "communications",
  appealStatus: (r: Role) => r === "director" || r === "accountant",
  expenses: (r: Role) => r === "accountant" || r === "director" || r === "auditor" || r === "lawyer" || r === "case_worker",
  approve: (r: Role) => r === "accountant" || r === "director",
  transfer: (r: Role) => r === "director",
  correct: (r: Role) => r === "accountant" || r === "director",
  publish: (r: Role) => r === "accountant" || r === "director",
  importStatement: (r: Role) => r === "accountant" || r === "director",
  // Staff accounts: directors manage everyone; admins manage staff who are neither.
  users: (r: Role) => r === "director" || r === "admin",
  // Directors only: directors' and admins' accounts, others' passwords and authenticators, grants.
  manageAll: (r: Role) => r === "director",
  vault: (r: Role) => r === "director" || r === "admin",
  trail: (r: Role) => r === "director",
  // The case desk (mirrors the roles of src/api/desk_routes.cc).
  hotline: (r: Role) => r === "hotline_operator" || r === "case_worker" || r === "director",
  desk: (r: Role) => r === "hotline_operator" || r === "case_worker" || r === "lawyer" || r === "director",
  caseWrite: (r: Role) => r === "case_worker" || r === "lawyer" || r === "director",
  assign: (r: Role) => r === "case_worker" || r === "director",
  deskStats: (r: Role) => r === "case_worker" || r === "director",
  // Posts about the work and cases: recorded by communications and directors, read by lawyers too.
  publications: (r: Role) => r === "communications" || r === "director" || r === "lawyer",
  publicationsWrite: (r: Role) => r === "communications" || r === "director",
  // The legal-defence docket: read by lawyers, communications and directors; written (and the
  // chronology report exported) by lawyers and directors.
  docket: (r: Role) => r === "lawyer" || r === "communications" || r === "director",
  docketWrite: (r: Role) => r === "lawyer" || r === "director",
};

// Every role, in the order the role menus list them (the privileged ones last).
export const roles: Role[] = ["hotline_operator", "case_worker", "lawyer", "accountant", "communications", "auditor", "director", "admin"];
// Roles only a director gives (and, with the vault in shares, only k directors together).
export const privileged = (r: Role) => r === "director" || r === "admin";
