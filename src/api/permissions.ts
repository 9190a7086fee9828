/** The resources whose permissions are `license-manager:<resource>:<action>`. */
export const RESOURCES = [
  "config",
  "license-server",
  "product",
  "feature",
  "job",
  "booking",
  "cluster-status",
] as const;
export type Resource = (typeof RESOURCES)[number];
export const ACTIONS = ["create", "read", "update", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

/** Grants every action on every resource. */
export const ADMIN_PERMISSION = "license-manager:admin";

export function permissionName(resource: Resource, action: Action): string {
  return `license-manager:${resource}:${action}`;
}

/** Who is calling: the cluster identity (the token's client) and what it may do. */
export interface Principal {
  clientId: string;
  permissions: ReadonlySet<string>;
}

export function isAllowed(principal: Principal, permission: string): boolean {
  return principal.permissions.has(permission) || principal.permissions.has(ADMIN_PERMISSION);
}

/** Reads permissions from a claim holding an array or a space-separated string. */
export function permissionsFromClaims(claims: Record<string, unknown>, claim: string): Set<string> {
  const value = claims[claim];
  if (Array.isArray(value)) return new Set(value.filter((p): p is string => typeof p === "string"));
  if (typeof value === "string") return new Set(value.split(/\s+/).filter((p) => p !== ""));
  return new Set();
}

/** The caller's cluster: `azp`, else `client_id`, else `sub`. */
export function clientIdFromClaims(claims: Record<string, unknown>): string | undefined {
  for (const key of ["azp", "client_id", "sub"]) {
    const value = claims[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
