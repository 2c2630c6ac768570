// The public API, called with the reviewer's token. The token lives in this tab's sessionStorage
// only: closing the tab forgets it, and no other page or cookie ever carries it.

const KEY = "vetgate.console.token";

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/**
 * What the token says about its holder (sub, tenant, scopes, expiry), for display only: the
 * service verifies the token on every call, the console never trusts these claims.
 */
export function claims(value = token()) {
  try {
    const part = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "=".repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes));
    return {
      sub: String(json.sub ?? ""),
      tenant: String(json.tenant ?? ""),
      scopes: String(json.scope ?? "").split(" ").filter(Boolean),
      exp: typeof json.exp === "number" ? new Date(json.exp * 1000) : null,
    };
  } catch {
    return null;
  }
}

/** A refused call: the HTTP status and the problem document the service answered. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; resolves to the JSON body, rejects with a ProblemError. */
export async function call(method, path, body) {
  const headers = { Accept: "application/json, application/problem+json" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (e) {
    throw new ProblemError(0, { title: "The service cannot be reached", detail: String(e.message || e) });
  }
  const type = response.headers.get("content-type") || "";
  const doc = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ProblemError(
      response.status,
      doc && typeof doc.title === "string"
        ? doc
        : { title: `HTTP ${response.status}`, detail: response.statusText },
    );
  }
  return doc;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);

/** A path segment from an id. */
export const seg = (id) => encodeURIComponent(id);
