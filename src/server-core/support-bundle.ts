import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, release, tmpdir, type as osType } from "node:os";
import { basename, dirname, join } from "node:path";
import { execa } from "execa";
import { isMap, isPair, isScalar, parseDocument, visit } from "yaml";
import { VERSION } from "../cli/version.js";
import { LicenseClient } from "./client.js";
import { loadServerConfig, type ServerConfig } from "./config.js";

export const REDACTED = "[REDACTED]";

/** Keys whose values never leave the machine in a bundle. */
const SECRET_KEY = /secret|password|passphrase|token|private/i;

/**
 * The config file's text with every secret value replaced (comments and layout kept), and
 * the secret values themselves, so they can be scrubbed from logs too.
 */
export function redactConfigText(text: string): { text: string; secrets: string[] } {
  const document = parseDocument(text);
  const secrets: string[] = [];
  visit(document, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) return;
      const key = String(pair.key.value);
      // a file holding a secret is named, not quoted
      if (!SECRET_KEY.test(key) || key.endsWith("_file")) return;
      if (isScalar(pair.value)) {
        if (pair.value.value !== null && String(pair.value.value) !== "")
          secrets.push(String(pair.value.value));
        pair.value.value = REDACTED;
      } else if (pair.value !== null && pair.value !== undefined && isMap(pair.value)) {
        pair.value = document.createNode(REDACTED);
      }
    },
  });
  return { text: document.toString(), secrets };
}

/** Replaces every occurrence of each secret (longest first) in a text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret.length > 0) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed;
}

export interface SupportBundleOptions {
  configPath: string;
  /** the running server; defaults to the config's bind address and port */
  url?: string;
  /** with it, the bundle also holds `list-licenses`; without, that part is left out */
  adminPassword?: string;
  ca?: Buffer;
  insecure?: boolean;
  /** directory the .tar.gz goes to (default the system temp dir) */
  outputDir?: string;
  now?: Date;
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function defaultUrl(config: ServerConfig): string {
  const host = config.bind === "0.0.0.0" || config.bind === "::" ? "127.0.0.1" : config.bind;
  return `${config.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

/** The log file and its rotated siblings (server.log, server.log.1, server.log.2.gz …). */
function logFiles(logFile: string): string[] {
  const directory = dirname(logFile);
  if (!existsSync(directory)) return [];
  const name = basename(logFile);
  return readdirSync(directory)
    .filter((entry) => entry === name || entry.startsWith(`${name}.`))
    .sort()
    .map((entry) => join(directory, entry));
}

/**
 * Writes `lmkeeper-server-support-bundle-<time>.tar.gz`: version and system facts, the
 * config with secrets redacted, license and entitlement files, the log files (secrets
 * scrubbed), the live status and, with the admin password, the license list. Never the
 * database (it holds the admin password hash and lease tokens). Returns the bundle's path.
 */
export async function writeSupportBundle(options: SupportBundleOptions): Promise<string> {
  const now = options.now ?? new Date();
  const name = `lmkeeper-server-support-bundle-${stamp(now)}`;
  const staging = mkdtempSync(join(tmpdir(), "lmkeeper-bundle-"));
  const root = join(staging, name);
  const put = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  try {
    const config = loadServerConfig(options.configPath);
    const { text: redacted, secrets } = redactConfigText(readFileSync(options.configPath, "utf8"));
    if (config.failover?.syncSecretFile && existsSync(config.failover.syncSecretFile))
      secrets.push(readFileSync(config.failover.syncSecretFile, "utf8").trim());
    if (options.adminPassword) secrets.push(options.adminPassword);

    put(
      "version.txt",
      [
        `lmkeeper ${VERSION}`,
        `node ${process.version}`,
        `os ${osType()} ${release()} ${process.arch}`,
        `host ${hostname()}`,
        `bundle created ${now.toISOString()}`,
        "",
      ].join("\n"),
    );
    mkdirSync(join(root, "config", "license-files"), { recursive: true });
    if (existsSync("/etc/os-release"))
      put("system/os-release", readFileSync("/etc/os-release", "utf8"));
    put(`config/${basename(options.configPath)}`, redacted);
    for (const file of config.licenseFiles)
      if (existsSync(file))
        copyFileSync(file, join(root, "config", "license-files", basename(file)));
    if (config.entitlementsFile && existsSync(config.entitlementsFile))
      put(
        `config/${basename(config.entitlementsFile)}`,
        readFileSync(config.entitlementsFile, "utf8"),
      );
    for (const file of config.logFile ? logFiles(config.logFile) : []) {
      mkdirSync(join(root, "logs"), { recursive: true });
      if (file.endsWith(".gz")) copyFileSync(file, join(root, "logs", basename(file)));
      else put(`logs/${basename(file)}`, scrubSecrets(readFileSync(file, "utf8"), secrets));
    }

    const client = new LicenseClient({
      baseUrl: options.url ?? defaultUrl(config),
      timeoutMs: 5000,
      ...(options.ca && { ca: options.ca }),
      ...(options.insecure && { insecure: true }),
      ...(options.adminPassword !== undefined && { adminPassword: options.adminPassword }),
    });
    try {
      put("status.json", `${JSON.stringify(await client.status(), null, 2)}\n`);
    } catch (error) {
      put("status-error.txt", `${(error as Error).message}\n`);
    }
    if (options.adminPassword !== undefined) {
      try {
        put("list-licenses.json", `${JSON.stringify(await client.listLicenses(), null, 2)}\n`);
      } catch (error) {
        put("list-licenses-error.txt", `${scrubSecrets((error as Error).message, secrets)}\n`);
      }
    }
    await client.close();

    const outputDir = options.outputDir ?? tmpdir();
    mkdirSync(outputDir, { recursive: true });
    const bundle = join(outputDir, `${name}.tar.gz`);
    await execa("tar", ["-czf", bundle, "-C", staging, name]);
    return bundle;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
