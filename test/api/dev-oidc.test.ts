import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, expect, test } from "vitest";
import { oidcAuthenticator } from "../../src/api/auth.js";
import { type DevOidcProvider, startDevOidcProvider } from "../../src/api/dev-oidc.js";

let provider: DevOidcProvider;
beforeAll(async () => {
  provider = await startDevOidcProvider({
    clients: [
      {
        clientId: "agent-1",
        secret: "s3cret",
        permissions: ["license-manager:feature:update", "license-manager:job:read"],
      },
      { clientId: "cli", secret: "other", permissions: [] },
    ],
    permissionsClaim: "perms",
  });
});
afterAll(async () => provider?.close());

test("serves discovery on loopback with its token endpoint", async () => {
  expect(provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const discovery = (await (
    await fetch(`${provider.issuer}/.well-known/openid-configuration`)
  ).json()) as Record<string, unknown>;
  expect(discovery["issuer"]).toBe(provider.issuer);
  expect(discovery["token_endpoint"]).toBe(provider.tokenUrl);
});

test("issues client-credentials JWTs carrying the client's permissions, signed with its JWKS", async () => {
  const token = await provider.fetchToken("agent-1", "s3cret");
  const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, {
    issuer: provider.issuer,
    audience: provider.audience,
  });
  expect(payload["client_id"]).toBe("agent-1");
  expect(payload["perms"]).toEqual(["license-manager:feature:update", "license-manager:job:read"]);
  expect(decodeJwt(await provider.fetchToken("cli", "other"))["perms"]).toEqual([]);
});

test("the API's authenticator accepts its tokens and reads cluster and permissions", async () => {
  const authenticator = oidcAuthenticator({
    issuer: provider.issuer,
    audience: provider.audience,
    permissionsClaim: "perms",
  });
  const principal = await authenticator.authenticate(
    `Bearer ${await provider.fetchToken("agent-1", "s3cret")}`,
  );
  expect(principal.clientId).toBe("agent-1");
  expect([...principal.permissions]).toEqual([
    "license-manager:feature:update",
    "license-manager:job:read",
  ]);
  const wrongAudience = oidcAuthenticator({
    issuer: provider.issuer,
    audience: "someone-else",
    permissionsClaim: "perms",
  });
  await expect(
    wrongAudience.authenticate(`Bearer ${await provider.fetchToken("cli", "other")}`),
  ).rejects.toThrow(/invalid access token: .*aud/);
});

test("a wrong secret gets no token", async () => {
  await expect(provider.fetchToken("agent-1", "wrong")).rejects.toThrow(
    /token request for agent-1 failed: 401 invalid_client/,
  );
});

test("an unreachable issuer is a 503 naming the problem, retried on the next request", async () => {
  const gone = await startDevOidcProvider({
    clients: [{ clientId: "c", secret: "s", permissions: [] }],
  });
  const token = await gone.fetchToken("c", "s");
  await gone.close();
  const authenticator = oidcAuthenticator({ issuer: gone.issuer, permissionsClaim: "permissions" });
  for (let attempt = 0; attempt < 2; attempt++) {
    await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
      statusCode: 503,
      message: expect.stringMatching(/^cannot fetch the OIDC issuer's keys: /),
    });
  }
});

test("clients may use HTTP Basic at the token endpoint, and permissions may come as one string", async () => {
  const basic = await startDevOidcProvider({
    clients: [
      {
        clientId: "agent:basic",
        secret: "p@ss word",
        permissions: ["license-manager:job:read", "license-manager:admin"],
        authMethod: "client_secret_basic",
      },
    ],
    permissionsFormat: "string",
  });
  try {
    const token = await basic.fetchToken("agent:basic", "p@ss word");
    expect(decodeJwt(token)["permissions"]).toBe("license-manager:job:read license-manager:admin");
    const authenticator = oidcAuthenticator({
      issuer: basic.issuer,
      permissionsClaim: "permissions",
    });
    const principal = await authenticator.authenticate(`Bearer ${token}`);
    expect(principal.clientId).toBe("agent:basic");
    expect([...principal.permissions]).toEqual([
      "license-manager:job:read",
      "license-manager:admin",
    ]);
  } finally {
    await basic.close();
  }
});
