import { PolicyError } from "./errors.js";

/** Connection settings of one `ldap` block. */
export interface LdapSettings {
  url: string;
  masterDn: string;
  password: string;
  useSSL: boolean;
  /** ms to connect */
  connectionTO: number;
  /** ms to wait for an answer */
  responseTO: number;
  minPoolSize: number;
  maxPoolSize: number;
  /** where searches start; defaults to the `dc=` part of masterDn */
  searchBase: string;
}

type Field = "product" | "userName" | "hostName" | "ip" | "buildNumber";

export interface AccessRule {
  /** where it came from, e.g. `whitelist[1]` */
  at: string;
  patterns: Partial<Record<Field, RegExp>>;
  checkLicenseOnly: boolean;
  ldap?: { connection: string; matchCondition: string };
}

export interface AccessConfig {
  whitelist: AccessRule[];
  blacklist: AccessRule[];
  prioritylist: AccessRule[];
  ldap: Record<string, LdapSettings>;
}

/** What a checkout tells the access rules. */
export interface AccessRequest {
  /** the license feature asked for */
  feature: string;
  /** the product the client runs (may be covered by the feature's license); defaults to it */
  product?: string;
  version: string;
  userName: string;
  hostName: string;
  ip: string;
  buildNumber?: string;
}

/** Asks a directory whether an LDAP filter finds at least one entry. */
export type LdapLookup = (connection: string, filter: string) => Promise<boolean>;

export const EMPTY_ACCESS_CONFIG: AccessConfig = {
  whitelist: [],
  blacklist: [],
  prioritylist: [],
  ldap: {},
};

const LIST_NAMES = ["whitelist", "blacklist", "prioritylist"] as const;
const RULE_KEYS = [
  "product",
  "userName",
  "hostName",
  "ip",
  "buildNumber",
  "checkLicenseOnly",
  "ldap",
  "matchCondition",
];
const LDAP_KEYS = [
  "url",
  "masterDn",
  "password",
  "useSSL",
  "connectionTO",
  "responseTO",
  "minPoolSize",
  "maxPoolSize",
  "searchBase",
];

/** Parses access-config.json text; every problem names the field (and, for JSON syntax, the text). */
export function parseAccessConfigText(text: string, source: string): AccessConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(source, `not valid JSON: ${(error as Error).message}`);
  }
  return parseAccessConfig(data, source);
}

export function parseAccessConfig(data: unknown, source: string): AccessConfig {
  const top = object(data, source, "(document)");
  for (const key of Object.keys(top))
    if (key !== "ldap" && !(LIST_NAMES as readonly string[]).includes(key))
      throw new PolicyError(
        source,
        `${key}: unknown section (expected whitelist, blacklist, prioritylist, ldap)`,
      );
  const ldap: Record<string, LdapSettings> = {};
  if (top.ldap !== undefined) {
    for (const [name, block] of Object.entries(object(top.ldap, source, "ldap")))
      ldap[name] = parseLdapSettings(block, source, `ldap.${name}`);
  }
  const lists = Object.fromEntries(
    LIST_NAMES.map((list) => {
      const value = top[list] ?? [];
      if (!Array.isArray(value))
        throw new PolicyError(source, `${list}: must be an array of rules`);
      return [list, value.map((rule, index) => parseRule(rule, source, `${list}[${index}]`, ldap))];
    }),
  ) as Record<(typeof LIST_NAMES)[number], AccessRule[]>;
  for (const rule of lists.prioritylist)
    if (!rule.patterns.userName && !rule.patterns.hostName && !rule.ldap)
      throw new PolicyError(
        source,
        `${rule.at}: a priority rule must name userName, hostName or both`,
      );
  return { ...lists, ldap };
}

function parseRule(
  data: unknown,
  source: string,
  at: string,
  ldap: Record<string, LdapSettings>,
): AccessRule {
  const rule = object(data, source, at);
  for (const key of Object.keys(rule))
    if (!RULE_KEYS.includes(key))
      throw new PolicyError(
        source,
        `${at}.${key}: unknown field (expected ${RULE_KEYS.join(", ")})`,
      );
  const patterns: AccessRule["patterns"] = {};
  for (const field of ["product", "userName", "hostName", "ip", "buildNumber"] as const) {
    const value = rule[field];
    if (value === undefined) continue;
    if (typeof value !== "string")
      throw new PolicyError(source, `${at}.${field}: must be a string (a regular expression)`);
    patterns[field] = wholeMatch(value, source, `${at}.${field}`);
  }
  const checkLicenseOnly = rule.checkLicenseOnly ?? false;
  if (![true, false, "true", "false"].includes(checkLicenseOnly as never))
    throw new PolicyError(source, `${at}.checkLicenseOnly: must be true or false`);
  const parsed: AccessRule = {
    at,
    patterns,
    checkLicenseOnly: checkLicenseOnly === true || checkLicenseOnly === "true",
  };
  if (rule.ldap !== undefined || rule.matchCondition !== undefined) {
    if (typeof rule.ldap !== "string" || !(rule.ldap in ldap))
      throw new PolicyError(
        source,
        `${at}.ldap: must name a connection of the ldap section (${Object.keys(ldap).join(", ") || "none defined"})`,
      );
    if (typeof rule.matchCondition !== "string" || !rule.matchCondition.includes("${userName}"))
      throw new PolicyError(
        source,
        `${at}.matchCondition: an LDAP rule needs a filter string containing \${userName}`,
      );
    for (const field of ["userName", "hostName", "ip"] as const)
      if (patterns[field])
        throw new PolicyError(
          source,
          `${at}.${field}: not allowed in an LDAP rule (only product and buildNumber)`,
        );
    parsed.ldap = { connection: rule.ldap, matchCondition: rule.matchCondition };
  }
  return parsed;
}

function parseLdapSettings(data: unknown, source: string, at: string): LdapSettings {
  const block = object(data, source, at);
  for (const key of Object.keys(block))
    if (!LDAP_KEYS.includes(key))
      throw new PolicyError(
        source,
        `${at}.${key}: unknown field (expected ${LDAP_KEYS.join(", ")})`,
      );
  const required = (key: string): string => {
    const value = block[key];
    if (typeof value !== "string" || (key === "url" && value === ""))
      throw new PolicyError(source, `${at}.${key}: required string`);
    return value;
  };
  const url = required("url");
  if (!/^ldaps?:\/\/[^/]+/.test(url))
    throw new PolicyError(
      source,
      `${at}.url: "${url}" is not an ldap:// or ldaps:// URL with a host`,
    );
  const positive = (key: string, fallback: number): number => {
    const value = block[key] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
      throw new PolicyError(source, `${at}.${key}: must be a positive whole number`);
    return value;
  };
  const useSSL = block.useSSL ?? false;
  if (typeof useSSL !== "boolean")
    throw new PolicyError(source, `${at}.useSSL: must be true or false`);
  if (useSSL !== url.startsWith("ldaps://"))
    throw new PolicyError(
      source,
      `${at}.useSSL: ${useSSL} does not agree with the URL scheme of "${url}"`,
    );
  const masterDn = required("masterDn");
  const minPoolSize = positive("minPoolSize", 1);
  const maxPoolSize = positive("maxPoolSize", 5);
  if (minPoolSize > maxPoolSize)
    throw new PolicyError(
      source,
      `${at}.minPoolSize: ${minPoolSize} is more than maxPoolSize ${maxPoolSize}`,
    );
  const searchBase =
    block.searchBase === undefined
      ? masterDn
          .split(",")
          .map((part) => part.trim())
          .filter((part) => /^dc=/i.test(part))
          .join(",")
      : block.searchBase;
  if (typeof searchBase !== "string")
    throw new PolicyError(source, `${at}.searchBase: must be a string`);
  return {
    url,
    masterDn,
    password: required("password"),
    useSSL,
    connectionTO: positive("connectionTO", 20000),
    responseTO: positive("responseTO", 30000),
    minPoolSize,
    maxPoolSize,
    searchBase,
  };
}

function wholeMatch(source: string, file: string, at: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new PolicyError(
      file,
      `${at}: invalid regular expression "${source}": ${(error as Error).message}`,
    );
  }
}

function object(data: unknown, source: string, at: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new PolicyError(source, `${at}: must be an object`);
  return data as Record<string, unknown>;
}

/** RFC 4515 escaping of a value put into an LDAP filter. */
export function escapeFilterValue(value: string): string {
  const special = new Set(["\\", "*", "(", ")", String.fromCharCode(0)]);
  return [...value]
    .map((char) =>
      special.has(char) ? `\\${char.charCodeAt(0).toString(16).padStart(2, "0")}` : char,
    )
    .join("");
}

/**
 * Names the rule's product pattern is tried against: the license feature, and, unless the
 * rule says checkLicenseOnly, the product the client runs; each alone and with the version
 * (so "RS 2017.3" matches only that release).
 */
function productNames(rule: AccessRule, request: AccessRequest): string[] {
  const names = [request.feature];
  if (!rule.checkLicenseOnly && request.product !== undefined) names.push(request.product);
  return names.flatMap((name) => [name, `${name} ${request.version}`]);
}

export async function ruleMatches(
  rule: AccessRule,
  request: AccessRequest,
  lookup: LdapLookup,
): Promise<boolean> {
  const { product, userName, hostName, ip, buildNumber } = rule.patterns;
  if (product && !productNames(rule, request).some((name) => product.test(name))) return false;
  if (userName && !userName.test(request.userName)) return false;
  if (hostName && !hostName.test(request.hostName)) return false;
  if (ip && !ip.test(request.ip)) return false;
  if (buildNumber && !buildNumber.test(request.buildNumber ?? "")) return false;
  if (rule.ldap) {
    const filter = rule.ldap.matchCondition.replaceAll(
      "${userName}",
      escapeFilterValue(request.userName),
    );
    return lookup(rule.ldap.connection, filter);
  }
  return true;
}

export type AccessDecision =
  { allowed: true; priority: boolean } | { allowed: false; reason: string };

/**
 * Blacklist first (a match refuses), then a non-empty whitelist must match; an allowed
 * client matching the prioritylist may take a seat from the least recently seen lease.
 */
export async function decideAccess(
  config: AccessConfig,
  request: AccessRequest,
  lookup: LdapLookup,
): Promise<AccessDecision> {
  for (const rule of config.blacklist)
    if (await ruleMatches(rule, request, lookup))
      return {
        allowed: false,
        reason: `${request.userName}@${request.hostName} is refused by ${rule.at}`,
      };
  if (config.whitelist.length > 0) {
    let listed = false;
    for (const rule of config.whitelist) {
      if (await ruleMatches(rule, request, lookup)) {
        listed = true;
        break;
      }
    }
    if (!listed)
      return {
        allowed: false,
        reason: `${request.userName}@${request.hostName} matches no whitelist rule for "${request.product ?? request.feature}" ${request.version}`,
      };
  }
  let priority = false;
  for (const rule of config.prioritylist) {
    if (await ruleMatches(rule, request, lookup)) {
      priority = true;
      break;
    }
  }
  return { allowed: true, priority };
}
