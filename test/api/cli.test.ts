import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type DevOidcProvider, startDevOidcProvider } from "../../src/api/dev-oidc.js";

const main = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "lmkeeper-api-cli-"));
let oidc: DevOidcProvider;

beforeAll(async () => {
  if (!existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build\` before the CLI tests`);
  oidc = await startDevOidcProvider({
    clients: [
      { clientId: "cluster-x", secret: "x", permissions: ["license-manager:product:read"] },
    ],
  });
});
afterAll(async () => {
  await oidc?.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test("lmkeeper api serves the API from its config and closes cleanly on SIGTERM", async () => {
  const config = join(dir, "api.yaml");
  writeFileSync(
    config,
    `port: 0\ndatabase: ${join(dir, "lm.sqlite")}\noidc:\n  issuer: ${oidc.issuer}\n`,
  );
  const api = run(["api", "--config", config], { LMKEEPER_API_OIDC_AUDIENCE: oidc.audience });
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(api.output().stdout);
      if (match?.[1] !== undefined) {
        clearInterval(poll);
        resolve(match[1]);
      }
    }, 25);
    void api.exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`exited ${code}: ${api.output().stderr}`));
    });
  });
  const token = await oidc.fetchToken("cluster-x", "x");
  const products = await fetch(`${url}/lm/products`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(products.status).toBe(200);
  expect(await products.json()).toEqual([]);
  expect((await fetch(`${url}/lm/products`)).status).toBe(401);
  expect((await fetch(`${url}/lm/metrics`)).status).toBe(200);

  api.child.kill("SIGTERM");
  expect(await api.exited).toBe(0);
  expect(api.output().stdout).toContain('"signal":"SIGTERM"');
  expect(existsSync(join(dir, "lm.sqlite"))).toBe(true);
});

test("a bad config exits 2 naming the key", async () => {
  const config = join(dir, "bad.yaml");
  writeFileSync(config, "port: 70000\noidc:\n  issuer: http://127.0.0.1:1\n");
  const api = run(["api", "--config", config]);
  expect(await api.exited).toBe(2);
  expect(api.output().stderr).toContain(
    `lmkeeper api: invalid API configuration (${config}): port:`,
  );
});

test("a port already taken exits 1 saying so", async () => {
  const { createServer } = await import("node:net");
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const config = join(dir, "taken.yaml");
    writeFileSync(
      config,
      `port: ${port}\ndatabase: ${join(dir, "taken.sqlite")}\noidc:\n  issuer: ${oidc.issuer}\n`,
    );
    const api = run(["api", "--config", config]);
    expect(await api.exited).toBe(1);
    expect(api.output().stderr).toMatch(/^lmkeeper api: cannot start: .*EADDRINUSE/m);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
