import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../src/agent/api-client.js";
import { ClientCredentialsTokenProvider, TokenError } from "../../src/agent/token.js";

const TOKEN_URL = "http://idp.test/realms/hpc/token";
const API = "http://api.test";
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface TokenRequest {
  authorization: string | null;
  form: Record<string, string>;
}

function tokenEndpoint(expiresIn = 300): TokenRequest[] {
  const requests: TokenRequest[] = [];
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      requests.push({ authorization: request.headers.get("authorization"), form });
      return HttpResponse.json({
        access_token: `t${requests.length}`,
        expires_in: expiresIn,
        token_type: "Bearer",
      });
    }),
  );
  return requests;
}

const oidc = { tokenUrl: TOKEN_URL, clientId: "cluster:alpha", clientSecret: "p@ss word" };

describe("client-credentials token", () => {
  it("posts the grant with Basic auth, audience and resource", async () => {
    const requests = tokenEndpoint();
    const provider = new ClientCredentialsTokenProvider({
      ...oidc,
      audience: "https://api",
      resource: "urn:lm",
    });
    expect(await provider.getToken()).toBe("t1");
    const basic = Buffer.from("cluster%3Aalpha:p%40ss%20word").toString("base64");
    expect(requests).toEqual([
      {
        authorization: `Basic ${basic}`,
        form: { grant_type: "client_credentials", audience: "https://api", resource: "urn:lm" },
      },
    ]);
  });

  it("caches the token until shortly before it expires", async () => {
    const requests = tokenEndpoint(100);
    let now = 1_000_000;
    const provider = new ClientCredentialsTokenProvider(oidc, {
      now: () => now,
      refreshMarginMs: 10_000,
    });
    expect(await provider.getToken()).toBe("t1");
    now += 89_000;
    expect(await provider.getToken()).toBe("t1");
    now += 1_000; // 90 s of 100: inside the 10 s margin
    expect(await provider.getToken()).toBe("t2");
    expect(requests).toHaveLength(2);
  });

  it("shares one request between concurrent callers", async () => {
    const requests = tokenEndpoint();
    const provider = new ClientCredentialsTokenProvider(oidc);
    const tokens = await Promise.all([
      provider.getToken(),
      provider.getToken(),
      provider.getToken(),
    ]);
    expect(tokens).toEqual(["t1", "t1", "t1"]);
    expect(requests).toHaveLength(1);
  });

  it("fails with a TokenError that carries the status and not the secret", async () => {
    server.use(
      http.post(TOKEN_URL, () => HttpResponse.json({ error: "invalid_client" }, { status: 401 })),
    );
    const provider = new ClientCredentialsTokenProvider(oidc);
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).status).toBe(401);
    expect((error as TokenError).message).not.toContain("p@ss");
  });

  it("rejects an answer without access_token", async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json({ token_type: "Bearer" })));
    await expect(new ClientCredentialsTokenProvider(oidc).getToken()).rejects.toThrow(
      /access_token/,
    );
  });

  it("gets a fresh token once when the API answers 401, then succeeds", async () => {
    const requests = tokenEndpoint();
    const seen: string[] = [];
    server.use(
      http.get(`${API}/lm/jobs/by_client_id`, ({ request }) => {
        const authorization = request.headers.get("authorization") ?? "";
        seen.push(authorization);
        return authorization === "Bearer t2"
          ? HttpResponse.json([])
          : new HttpResponse(null, { status: 401 });
      }),
    );
    const tokens = new ClientCredentialsTokenProvider(oidc);
    await tokens.getToken(); // t1 is cached, then revoked by the API
    const client = new ApiClient({ baseUrl: API, tokens, retries: 3, minRetryDelayMs: 1 });
    expect(await client.getJobs()).toEqual([]);
    expect(seen).toEqual(["Bearer t1", "Bearer t2"]);
    expect(requests).toHaveLength(2);
  });

  it("refreshes only once: a second 401 is final and not retried", async () => {
    const requests = tokenEndpoint();
    let calls = 0;
    server.use(
      http.get(`${API}/lm/jobs/by_client_id`, () => {
        calls += 1;
        return HttpResponse.json({ detail: "no" }, { status: 401 });
      }),
    );
    const client = new ApiClient({
      baseUrl: API,
      tokens: new ClientCredentialsTokenProvider(oidc),
      retries: 3,
      minRetryDelayMs: 1,
    });
    await expect(client.getJobs()).rejects.toThrow("GET /lm/jobs/by_client_id answered 401");
    expect(calls).toBe(2);
    expect(requests).toHaveLength(2);
  });
});
