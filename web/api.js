// The reader's JSON API (docs/WEB.md): reads, and writes carrying the session's CSRF token.

/** An error the API answered with: its HTTP status and its one-sentence message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let session = null;

/** This session's CSRF token and this replica's author name, asked for once. */
export async function getSession() {
  session ??= request("GET", "/api/session").catch((error) => {
    session = null;
    throw error;
  });
  return session;
}

async function request(method, path, body, headers = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "The reader's server does not answer: is `newsdb web` still running?");
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, `The server answered ${response.status} with something that is not JSON.`);
    }
  }
  if (!response.ok) {
    if (response.status === 401) {
      throw new ApiError(401, "This page has no session: open the address that `newsdb web` printed.");
    }
    throw new ApiError(response.status, json?.error ?? `The server answered ${response.status}.`);
  }
  return json;
}

/** GET a path of the API. */
export function get(path, params) {
  if (params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") query.set(key, value);
    }
    const string = query.toString();
    if (string) path += "?" + string;
  }
  return request("GET", path);
}

/** A write (POST, PATCH, DELETE) with the CSRF header. */
export async function send(method, path, body) {
  const { csrf } = await getSession();
  return request(method, path, body, { "X-CSRF-Token": csrf });
}

export const api = {
  articles: (params) => get("/api/articles", params),
  article: (id, revision) => get(`/api/articles/${encodeURIComponent(id)}`, { revision }),
  diff: (id, from, to) => get(`/api/articles/${encodeURIComponent(id)}/diff`, { from, to }),
  tags: () => get("/api/tags"),
  authors: () => get("/api/authors"),
  version: () => get("/api/version"),
  annotate: (articleID, draft) => send("POST", `/api/articles/${encodeURIComponent(articleID)}/annotations`, draft),
  edit: (id, changes) => send("PATCH", `/api/annotations/${encodeURIComponent(id)}`, changes),
  remove: (id) => send("DELETE", `/api/annotations/${encodeURIComponent(id)}`),
  restore: (id) => send("POST", `/api/annotations/${encodeURIComponent(id)}/restore`),
  peers: () => get("/api/peers"),
  sync: (name) => send("POST", `/api/peers/${encodeURIComponent(name)}/sync`),
  resolve: (id, field, keep) => send("POST", `/api/annotations/${encodeURIComponent(id)}/resolve`, { field, keep }),
};
