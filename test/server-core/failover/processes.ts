import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = join(ROOT, "dist", "cli", "main.js");

export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe" });
}

/** A port nobody listens on right now (the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function writeYaml(path: string, lines: string[]): string {
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** The sync secret both halves of a test pair share. */
export const PAIR_SECRET = "pair-secret-0123456789";

/**
 * YAML lines of one half of a test failover pair (the backup pulls every 0.25 s and fails over
 * after 2 missed pulls). `mainOnly` goes into the main's config, `common` into both.
 */
export function pairConfigLines(
  role: "main" | "backup",
  port: number,
  peer: string,
  options: { mainOnly: string[]; common?: string[] },
): string[] {
  return [
    `port: ${port}`,
    "bind: 127.0.0.1",
    `hostname: lic-${role}`,
    ...(role === "main" ? options.mainOnly : []),
    `database: ${role}/server.db`,
    ...(options.common ?? []),
    "log_level: info",
    "failover:",
    `  role: ${role}`,
    `  peer: ${peer}`,
    `  sync_secret: ${PAIR_SECRET}`,
    "  sync_seconds: 0.25",
    "  failover_after_failures: 2",
  ];
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  log: string[];
}

/** Starts `lmkeeper server --config FILE` and resolves once it listens. */
export function startServerProcess(
  configPath: string,
  children: ChildProcess[],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, "server", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const log: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      log.push(line);
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "license server listening" && entry.url)
        resolve({ child, url: entry.url, log });
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`server exited early (${code ?? signal}): ${stderr}`)),
    );
  });
}

export function killAll(children: ChildProcess[]): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
