import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { startTestServer, tempDir } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "dist", "cli", "main.js");
const CODE = "1234-ABCD-EF12-5678";
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  if (!existsSync(MAIN)) await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
  dir = tempDir();
  ({ server } = await startTestServer(dir.path));
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

function lmkeeper(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean["LMKEEPER_SERVER_PASSWORD"];
  delete clean["LMKEEPER_SERVER_NEW_PASSWORD"];
  return promisify(execFile)(process.execPath, [MAIN, ...args], {
    env: { ...clean, LMKEEPER_SERVER_URL: server.url, ...env },
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("lmkeeper server admin commands", () => {
  it("changes the default password from env, then activates, lists and returns", async () => {
    const stillDefault = await lmkeeper(["server", "list-licenses"], {
      LMKEEPER_SERVER_PASSWORD: DEFAULT_ADMIN_PASSWORD,
    });
    expect(stillDefault.code).toBe(2);
    expect(stillDefault.stderr).toContain("DEFAULT_PASSWORD_MUST_CHANGE");

    const weak = await lmkeeper(["server", "set-password"], {
      LMKEEPER_SERVER_PASSWORD: DEFAULT_ADMIN_PASSWORD,
      LMKEEPER_SERVER_NEW_PASSWORD: "short1!",
    });
    expect(weak.stderr).toContain(
      "must be between 8 and 30 characters long; must contain at least one uppercase letter",
    );

    const env = { LMKEEPER_SERVER_PASSWORD: "Cl1-Admin#pass" };
    const changed = await lmkeeper(["server", "set-password"], {
      LMKEEPER_SERVER_PASSWORD: DEFAULT_ADMIN_PASSWORD,
      LMKEEPER_SERVER_NEW_PASSWORD: env.LMKEEPER_SERVER_PASSWORD,
    });
    expect(changed).toMatchObject({ code: 0, stdout: "Admin password changed\n" });

    expect((await lmkeeper(["server", "activate", "-a", CODE, "-c", "5"], env)).stdout).toBe(
      `Activation code ${CODE}: 5 licenses active (was 0)\n`,
    );
    expect((await lmkeeper(["server", "activate", "-a", CODE, "-c", "10"], env)).stdout).toBe(
      `Activation code ${CODE}: 10 licenses active (was 5)\n`,
    );
    const exceeded = await lmkeeper(["server", "activate", "-a", CODE, "-c", "31"], env);
    expect(exceeded.code).toBe(2);
    expect(exceeded.stderr).toBe(
      `lmkeeper server activate: ACTIVATION_ID_COUNT_EXCEEDED: Activation code ${CODE} holds 30 licenses; 31 were requested\n`,
    );
    const invalid = await lmkeeper(["server", "activate", "-a", "1234-ABCD", "-c", "1"], env);
    expect(invalid.stderr).toBe(
      "lmkeeper server activate: ACTIVATION_ID_INVALID: Activation code 1234-ABCD is not valid\n",
    );

    const list = await lmkeeper(["server", "list-licenses"], env);
    expect(list.stdout).toContain(
      "5           session       2026.0           permanent    0/10         10",
    );
    expect(list.stdout).toContain("Total feature count      : 29");

    expect((await lmkeeper(["server", "return", "-a", CODE], env)).stdout).toBe(
      `Activation code ${CODE}: 10 licenses returned\n`,
    );
    const json = JSON.parse(
      (await lmkeeper(["server", "list-licenses", "--json"], env)).stdout,
    ) as { features: unknown[] };
    expect(json.features).toHaveLength(4);
  });

  it("refuses to start on a bad config, naming the key", async () => {
    const config = join(dir.path, "bad.yaml");
    writeFileSync(config, "database: x.db\nlease_seconds: -5\n");
    const result = await lmkeeper(["server", "--config", config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}: lease_seconds: Too small`);
    writeFileSync(config, "database: x.db\nleaseSeconds: 60\n");
    const camel = await lmkeeper(["server", "--config", config]);
    expect([camel.code, camel.stderr]).toEqual([
      2,
      `lmkeeper server: ${config}: leaseSeconds: keys are snake_case: write lease_seconds\n`,
    ]);
  });

  it("refuses to start on a bad license file, naming file and line", async () => {
    const license = join(dir.path, "bad.lic");
    writeFileSync(license, "VENDOR acme\nFEATURE solver acme 1.0 31-dec-2030 ten SIGN=0\n");
    const config = join(dir.path, "badlic.yaml");
    writeFileSync(config, `database: x.db\nlicense_files: [bad.lic]\nport: 0\nbind: 127.0.0.1\n`);
    const result = await lmkeeper(["server", "--config", config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lmkeeper server: ${license}: count "ten" is neither a number of licenses nor "uncounted" (line 2: "FEATURE solver acme 1.0 31-dec-2030 ten SIGN=0")\n`,
    );
  });
});
