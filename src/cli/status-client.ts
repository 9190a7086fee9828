/**
 * Asks an lmkeeper license server for its state (`GET /api/1.0/status`) and prints it in a
 * vendor tool's format, trying the servers of a license spec in order. When none answers it
 * prints what lmutil prints, so a parser reading this output reports the server as down.
 */
import { request } from "undici";
import { z } from "zod";
import type { ServerAddress } from "../parsers/types.js";
import { lmstatBanner } from "../server-core/status/flexlm.js";
import {
  isStatusFormat,
  renderStatus,
  STATUS_FORMATS,
  StatusFormatError,
} from "../server-core/status/render.js";
import { VERSION } from "./version.js";
import type { StatusSnapshot } from "../server-core/status/snapshot.js";

export const DEFAULT_FLEXLM_PORT = 27000;
export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;

export class LicenseSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LicenseSpecError";
  }
}

/**
 * `port@host`, `@host` (port 27000), a triad `p@h1,p@h2,p@h3` or a search path
 * `p@h1:p@h2` (`;` on Windows): every server, in the order to try them.
 */
export function parseLicenseSpec(spec: string): ServerAddress[] {
  const entries = spec
    .split(/[,:;]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new LicenseSpecError("empty license spec");
  return entries.map((entry) => {
    const match = /^(\d{0,5})@([A-Za-z0-9._-]+)$/.exec(entry);
    if (!match) {
      throw new LicenseSpecError(`license spec entry "${entry}" is not PORT@HOST or @HOST`);
    }
    const port = match[1] === "" ? DEFAULT_FLEXLM_PORT : Number(match[1]);
    if (port < 1 || port > 65535) {
      throw new LicenseSpecError(`port ${port} in license spec entry "${entry}" is out of range`);
    }
    return { host: match[2] as string, port };
  });
}

const leaseSchema = z.object({
  user: z.string(),
  host: z.string(),
  display: z.string(),
  version: z.string(),
  handle: z.number().int(),
  startedAt: z.string(),
  count: z.number().int().nonnegative(),
  pid: z.number().int().optional(),
});
const poolSchema = z.object({
  version: z.string(),
  expires: z.string(),
  count: z.union([z.number().int().nonnegative(), z.literal("uncounted")]),
  vendorString: z.string().optional(),
  nodeLockedTo: z.string().optional(),
  reservations: z.array(
    z.object({
      kind: z.enum(["USER", "HOST", "GROUP", "HOST_GROUP", "DISPLAY", "INTERNET", "PROJECT"]),
      name: z.string(),
      count: z.number().int().nonnegative(),
    }),
  ),
  leases: z.array(leaseSchema),
});
const snapshotSchema = z.object({
  generatedAt: z.string(),
  server: z.object({
    host: z.string(),
    port: z.number().int(),
    version: z.string(),
    licenseFiles: z.array(z.string()),
    role: z.enum(["standalone", "main", "backup"]),
    inFailover: z.boolean().optional(),
    up: z.boolean(),
  }),
  vendors: z.array(z.object({ name: z.string(), version: z.string(), up: z.boolean() })),
  features: z.array(z.object({ name: z.string(), vendor: z.string(), pools: z.array(poolSchema) })),
});

/** Why a server gave no status, in lmutil's words (`(-15,570:111 "Connection refused")`). */
export class StatusUnavailableError extends Error {
  constructor(readonly lmutilText: string) {
    super(lmutilText);
    this.name = "StatusUnavailableError";
  }
}

const CANNOT_READ = "Cannot read data from license server system. (-16,287)";

function unreachableText(error: unknown): string {
  const code = (error as { code?: string; cause?: { code?: string } }).code;
  const causeCode = (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  const which = code ?? causeCode;
  if (which === "ECONNREFUSED")
    return 'Cannot connect to license server (-15,570:111 "Connection refused")';
  if (which === "ENOTFOUND" || which === "EAI_AGAIN") {
    return "Cannot find SERVER hostname in network database. (-14,7)";
  }
  if (
    which === "UND_ERR_CONNECT_TIMEOUT" ||
    which === "UND_ERR_HEADERS_TIMEOUT" ||
    which === "UND_ERR_BODY_TIMEOUT" ||
    name === "TimeoutError" ||
    name === "AbortError"
  ) {
    return 'Cannot connect to license server (-15,570:110 "Connection timed out")';
  }
  if (which === "EHOSTUNREACH")
    return 'Cannot connect to license server (-15,570:113 "No route to host")';
  return `Cannot connect to license server (-15,570 "${which ?? (error as Error).message}")`;
}

export interface FetchStatusOptions {
  timeoutMs?: number;
  scheme?: "http" | "https";
}

export async function fetchStatusSnapshot(
  server: ServerAddress,
  opts: FetchStatusOptions = {},
): Promise<StatusSnapshot> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const url = `${opts.scheme ?? "http"}://${server.host}:${server.port}/api/1.0/status`;
  let body: string;
  try {
    const response = await request(url, {
      method: "GET",
      headers: { accept: "application/json" },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.body.text();
    if (response.statusCode !== 200) throw new StatusUnavailableError(CANNOT_READ);
  } catch (error) {
    if (error instanceof StatusUnavailableError) throw error;
    throw new StatusUnavailableError(unreachableText(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new StatusUnavailableError(CANNOT_READ);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) throw new StatusUnavailableError(CANNOT_READ);
  return parsed.data;
}

export interface StatusQuery extends FetchStatusOptions {
  licenseSpec: string;
  format: string;
  features?: string[];
  /** only this vendor daemon's features (`lmstat -S VENDOR`), compared case-insensitively */
  vendor?: string;
  /** LM-X only: the `-licstatxml` form */
  xml?: boolean;
  now?: Date;
}

function onlyVendor(snapshot: StatusSnapshot, vendor: string | undefined): StatusSnapshot {
  if (vendor === undefined) return snapshot;
  const wanted = vendor.toLowerCase();
  return {
    ...snapshot,
    vendors: snapshot.vendors.filter((v) => v.name.toLowerCase() === wanted),
    features: snapshot.features.filter((f) => f.vendor.toLowerCase() === wanted),
  };
}

export interface StatusOutput {
  stdout: string;
  exitCode: number;
}

/** Tries each server of the spec in order; the first that answers is printed. */
export async function queryStatus(query: StatusQuery): Promise<StatusOutput> {
  if (!isStatusFormat(query.format)) {
    throw new StatusFormatError(
      `unknown status format "${query.format}" (known: ${STATUS_FORMATS.join(", ")})`,
    );
  }
  if (query.xml && query.format !== "lmx") {
    throw new StatusFormatError(`the XML form exists only for the lmx format, not ${query.format}`);
  }
  const servers = parseLicenseSpec(query.licenseSpec);
  const renderOptions = {
    licenseSpec: query.licenseSpec,
    ...(query.features ? { features: query.features } : {}),
    ...(query.now ? { now: query.now } : {}),
    ...(query.xml ? { xml: true } : {}),
  };
  let lastError = new StatusUnavailableError(CANNOT_READ);
  for (const server of servers) {
    try {
      const snapshot = onlyVendor(await fetchStatusSnapshot(server, query), query.vendor);
      const text = renderStatus(query.format, snapshot, renderOptions);
      return { stdout: text, exitCode: snapshot.server.up ? 0 : 1 };
    } catch (error) {
      if (!(error instanceof StatusUnavailableError)) throw error;
      lastError = error;
    }
  }
  const now = query.now ?? new Date();
  if (query.format === "flexlm") {
    return {
      stdout: `${lmstatBanner(now)}\nError getting status: ${lastError.lmutilText}\n`,
      exitCode: 1,
    };
  }
  // every other tool names the server it could not reach: the last one tried
  const last = servers[servers.length - 1] as ServerAddress;
  return {
    stdout: renderStatus(query.format, unreachableSnapshot(last, now), renderOptions),
    exitCode: 1,
  };
}

/**
 * What a vendor tool knows of a server it cannot reach: its address and that it is down.
 * Each renderer prints its tool's own "cannot connect" text for it.
 */
export function unreachableSnapshot(server: ServerAddress, now: Date): StatusSnapshot {
  return {
    generatedAt: now.toISOString(),
    server: {
      host: server.host,
      port: server.port,
      version: VERSION,
      licenseFiles: [],
      role: "standalone",
      up: false,
    },
    vendors: [],
    features: [],
  };
}
