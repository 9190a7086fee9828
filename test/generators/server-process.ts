/**
 * `lmkeeper server` as a real child process on loopback, for the crash test and the server
 * benchmark: a config in a temporary directory, the start-up timed until the server logs
 * that it listens, and a hard kill.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = findPackageRoot();
export const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");
export const ACME_LICENSE = join(PACKAGE_ROOT, "fixtures", "server", "acme.lic");

/** The package root from this file, whether it runs from test/ or compiled under .bench-dist/. */
function findPackageRoot(): string {
  let dir = new URL(".", import.meta.url);
  for (let i = 0; i < 5; i++) {
    if (existsSync(fileURLToPath(new URL("package.json", dir)))) return fileURLToPath(dir);
    dir = new URL("../", dir);
  }
  throw new Error("cannot find the package root");
}

export function ensureBuilt(): void {
  if (!existsSync(MAIN))
    execFileSync("npm", ["run", "build"], { cwd: PACKAGE_ROOT, stdio: "pipe" });
}

/** Writes a server config into `dir` and returns its path. */
export function writeServerConfig(
  dir: string,
  options: { licenseFile?: string; leaseSeconds?: number; logLevel?: string } = {},
): string {
  const path = join(dir, "server.yaml");
  writeFileSync(
    path,
    [
      "port: 0",
      "bind: 127.0.0.1",
      "hostname: lic1",
      `license_files: [${JSON.stringify(options.licenseFile ?? ACME_LICENSE)}]`,
      `database: ${JSON.stringify(join(dir, "server.db"))}`,
      `lease_seconds: ${options.leaseSeconds ?? 3600}`,
      `log_level: ${options.logLevel ?? "info"}`,
      "",
    ].join("\n"),
  );
  return path;
}

export interface ServerChild {
  child: ChildProcess;
  url: string;
  /** from spawn to the "listening" log line */
  startMs: number;
}

/** Starts a node process running `args`; resolves once it logs `message` with a url. */
export function startListeningChild(
  args: string[],
  message = "license server listening",
  nodeOptions: string[] = [],
): Promise<ServerChild> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeOptions, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === message && entry.url) {
        // from here on the log is only drained, not parsed: a benchmark's parent stays idle
        lines.close();
        child.stdout!.resume();
        resolve({ child, url: entry.url, startMs: performance.now() - started });
      }
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`process exited early (${code ?? signal}): ${stderr.slice(0, 2000)}`)),
    );
  });
}

export function startServerChild(
  configPath: string,
  nodeOptions: string[] = [],
): Promise<ServerChild> {
  return startListeningChild([MAIN, "server", "--config", configPath], undefined, nodeOptions);
}

/** SIGKILL, resolved once the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await gone;
}
