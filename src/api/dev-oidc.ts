import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Adapter, type AdapterPayload } from "oidc-provider";

/** A machine client of the development provider: a cluster agent, the CLI, a test. */
export interface DevOidcClient {
  clientId: string;
  secret: string;
  /** put into every access token issued to this client, under `permissionsClaim` */
  permissions: string[];
  /** how the client authenticates at the token endpoint; default client_secret_post (form fields) */
  authMethod?: "client_secret_post" | "client_secret_basic";
}

export interface DevOidcOptions {
  clients: DevOidcClient[];
  /** the `aud` of the access tokens; default "https://lmkeeper.local/lm" */
  audience?: string;
  /** claim carrying the permissions; default "permissions" */
  permissionsClaim?: string;
  /** "array" (default) or one space-separated "string", as some providers issue them */
  permissionsFormat?: "array" | "string";
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (any free port) */
  port?: number;
  /** access token lifetime in seconds; default 3600 */
  accessTokenTtl?: number;
}

export interface DevOidcProvider {
  issuer: string;
  tokenUrl: string;
  audience: string;
  /** asks the provider for a client-credentials access token (a signed JWT) */
  fetchToken(clientId: string, secret: string): Promise<string>;
  close(): Promise<void>;
}

/** Keeps the provider's artifacts (issued tokens) in memory, for the provider's lifetime. */
function memoryAdapterClass(): new (name: string) => Adapter {
  const entries = new Map<string, AdapterPayload>();
  return class MemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}
    private key(id: string): string {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload): Promise<void> {
      entries.set(this.key(id), payload);
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      return entries.get(this.key(id));
    }
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return [...entries.values()].find((p) => p["userCode"] === userCode);
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return [...entries.values()].find((p) => p["uid"] === uid);
    }
    async consume(id: string): Promise<void> {
      const payload = entries.get(this.key(id));
      if (payload) payload["consumed"] = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, payload] of entries) if (payload["grantId"] === grantId) entries.delete(key);
    }
  };
}

export const DEFAULT_DEV_AUDIENCE = "https://lmkeeper.local/lm";

/**
 * A real OpenID provider (client-credentials grant, JWT access tokens signed with a fresh
 * RSA key) on a loopback port, for development, demos and tests. Not for production: the
 * clients and keys live in memory.
 */
export async function startDevOidcProvider(options: DevOidcOptions): Promise<DevOidcProvider> {
  const audience = options.audience ?? DEFAULT_DEV_AUDIENCE;
  const claim = options.permissionsClaim ?? "permissions";
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: "dev-1" };
  const authMethods = new Map(
    options.clients.map((c) => [c.clientId, c.authMethod ?? "client_secret_post"]),
  );
  const permissionsByClient = new Map(options.clients.map((c) => [c.clientId, c.permissions]));

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.secret,
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: c.authMethod ?? "client_secret_post",
    })),
    adapter: memoryAdapterClass(),
    jwks: { keys: [signingKey] },
    // Client credentials use no cookies; random keys still keep the provider's cookie signing on.
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    ttl: { ClientCredentials: options.accessTokenTtl ?? 3600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "",
          audience,
          accessTokenFormat: "jwt",
          accessTokenTTL: options.accessTokenTtl ?? 3600,
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const clientId = token.clientId;
      const permissions = clientId === undefined ? undefined : permissionsByClient.get(clientId);
      if (permissions === undefined) return undefined;
      return {
        [claim]: options.permissionsFormat === "string" ? permissions.join(" ") : permissions,
      };
    },
  });
  server.on("request", provider.callback());

  const tokenUrl = `${issuer}/token`;
  return {
    issuer,
    tokenUrl,
    audience,
    async fetchToken(clientId, secret) {
      const basic = authMethods.get(clientId) === "client_secret_basic";
      const form = new URLSearchParams({ grant_type: "client_credentials" });
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded",
      };
      if (basic) {
        const encode = (text: string) => encodeURIComponent(text);
        headers["authorization"] =
          `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
      } else {
        form.set("client_id", clientId);
        form.set("client_secret", secret);
      }
      const response = await fetch(tokenUrl, { method: "POST", headers, body: form });
      const body = (await response.json()) as {
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!response.ok || body.access_token === undefined) {
        throw new Error(
          `token request for ${clientId} failed: ${response.status} ${body.error ?? ""} ${body.error_description ?? ""}`.trim(),
        );
      }
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
