// Talks to the admin API with HTTP Basic; the password lives in sessionStorage only.
const KEY = "lmkeeper.admin";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function credentials() {
  return sessionStorage.getItem(KEY);
}

export function setPassword(password) {
  sessionStorage.setItem(KEY, btoa(`admin:${password}`));
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

/** Sends a request; a refusal becomes an ApiError carrying the server's own message. */
export async function request(method, path, body, contentType = "application/json") {
  const headers = { "x-lmkeeper-ui": "1" };
  const stored = credentials();
  if (stored) headers.authorization = `Basic ${stored}`;
  let payload;
  if (body !== undefined) {
    headers["content-type"] = contentType;
    payload = contentType === "application/json" ? JSON.stringify(body) : body;
  }
  let response;
  try {
    response = await fetch(`/api/1.0/admin${path}`, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, "NETWORK", `The server cannot be reached: ${error.message}`);
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(
      response.status,
      "BAD_RESPONSE",
      `The server sent no JSON (HTTP ${response.status})`,
    );
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(
      response.status,
      error ? error.code : "HTTP_" + response.status,
      error ? error.message : `HTTP ${response.status}`,
    );
  }
  return data;
}
