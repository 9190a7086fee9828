import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { ApiError } from "./errors.js";
import { clientIdFromClaims, permissionsFromClaims, type Principal } from "./permissions.js";

export interface Authenticator {
  /** Resolves the caller from the Authorization header; throws a 401 ApiError. */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export interface OidcSettings {
  issuer: string;
  /** expected `aud`; not checked when absent */
  audience?: string;
  permissionsClaim: string;
  /** default: discovered from the issuer's /.well-known/openid-configuration */
  jwksUrl?: string;
}

const unauthorized = (message: string) => new ApiError(401, message);

/** Verifies bearer JWTs against the issuer's published keys (JWKS). */
export function oidcAuthenticator(settings: OidcSettings): Authenticator {
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  async function discoverKeySet(): Promise<JWTVerifyGetKey> {
    let jwksUrl = settings.jwksUrl;
    if (jwksUrl === undefined) {
      const url = `${settings.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      const metadata = (await response.json()) as { jwks_uri?: unknown };
      if (typeof metadata.jwks_uri !== "string") throw new Error(`${url} has no jwks_uri`);
      jwksUrl = metadata.jwks_uri;
    }
    return createRemoteJWKSet(new URL(jwksUrl));
  }

  function keys(): Promise<JWTVerifyGetKey> {
    keySet ??= discoverKeySet().catch((error: unknown) => {
      keySet = undefined;
      throw new ApiError(503, `cannot fetch the OIDC issuer's keys: ${(error as Error).message}`);
    });
    return keySet;
  }

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === "") {
        throw unauthorized("missing Authorization header (expected: Bearer <access token>)");
      }
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (match === null) throw unauthorized("Authorization header must be: Bearer <access token>");
      const token = match[1] as string;
      const getKey = await keys();
      let claims: Record<string, unknown>;
      try {
        const verified = await jwtVerify(token, getKey, {
          issuer: settings.issuer,
          ...(settings.audience === undefined ? {} : { audience: settings.audience }),
        });
        claims = verified.payload;
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
          // the issuer's keys could not be fetched: the token may well be valid
          throw new ApiError(503, `cannot verify the access token: ${(error as Error).message}`);
        }
        throw unauthorized(`invalid access token: ${error.message}`);
      }
      const clientId = clientIdFromClaims(claims);
      if (clientId === undefined)
        throw unauthorized("access token names no client (azp, client_id or sub)");
      return { clientId, permissions: permissionsFromClaims(claims, settings.permissionsClaim) };
    },
  };
}
