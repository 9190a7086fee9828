import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  HookConfigError,
  loadHookConfig,
  parseHookConfig,
  staticToken,
} from "../../../src/agent/slurm/hook-config.js";

const dir = mkdtempSync(join(tmpdir(), "lmk-hook-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hook config", () => {
  it("fills defaults and keeps the agent's other keys", () => {
    const config = parseHookConfig(
      { api: { url: "http://127.0.0.1:8000" }, schedule: "*/1 * * * *" },
      "agent.yaml",
    );
    expect(config.api.url).toBe("http://127.0.0.1:8000");
    expect(config.slurm).toMatchObject({
      tracked_types: ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"],
      prolog_on_api_down: "allow",
      hook_timeout_seconds: 10,
      reservation_name: "lmkeeper",
      reservation_user: "root",
      reservation_minutes: 30,
      command_timeout_seconds: 30,
    });
    expect(config.slurm.cluster_name).toBeUndefined();
    expect((config as Record<string, unknown>).schedule).toBe("*/1 * * * *");
  });

  it("names the bad key and the file", () => {
    expect(() =>
      parseHookConfig(
        { api: { url: "http://x" }, slurm: { prolog_on_api_down: "maybe" } },
        "/etc/lmkeeper/agent.yaml",
      ),
    ).toThrow(/^\/etc\/lmkeeper\/agent.yaml: slurm.prolog_on_api_down: /);
    expect(() => parseHookConfig({ api: { url: "ftp://x" } }, "a.yaml")).toThrow(
      /a.yaml: api.url: /,
    );
    expect(() => parseHookConfig({}, "a.yaml")).toThrow(HookConfigError);
    expect(() =>
      parseHookConfig(
        { api: { url: "http://x" }, slurm: { reservation_name: "a b;rm" } },
        "a.yaml",
      ),
    ).toThrow(/slurm.reservation_name: /);
  });

  it("lets LMKEEPER_API_URL and LMKEEPER_SLURM_PROLOG_ON_API_DOWN override the file", () => {
    const config = parseHookConfig({ api: { url: "http://a:1" } }, "a.yaml", {
      LMKEEPER_API_URL: "http://127.0.0.1:9",
      LMKEEPER_SLURM_PROLOG_ON_API_DOWN: "requeue",
    });
    expect(config.api.url).toBe("http://127.0.0.1:9");
    expect(config.slurm.prolog_on_api_down).toBe("requeue");
  });

  it("loads YAML from a file and reads the token from env or token_file", () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "secret-from-file\n");
    const file = join(dir, "agent.yaml");
    writeFileSync(
      file,
      `api:\n  url: http://127.0.0.1:8000\n  token_file: ${tokenFile}\nslurm:\n  tracked_types: [flexlm]\n  hook_timeout_seconds: 5\n`,
    );
    const config = loadHookConfig(file, {});
    expect(config.slurm.tracked_types).toEqual(["flexlm"]);
    expect(config.slurm.hook_timeout_seconds).toBe(5);
    expect(staticToken(config, {})).toBe("secret-from-file");
    expect(staticToken(config, { LMKEEPER_API_TOKEN: "from-env" })).toBe("from-env");
  });

  it("fails clearly on a missing file, bad YAML or unreadable token file", () => {
    expect(() => loadHookConfig(join(dir, "missing.yaml"), {})).toThrow(
      /missing.yaml: cannot read the config file/,
    );
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "api: [unclosed\n");
    expect(() => loadHookConfig(bad, {})).toThrow(/bad.yaml: not valid YAML/);
    const config = parseHookConfig(
      { api: { url: "http://a", token_file: join(dir, "nope") } },
      "a.yaml",
    );
    expect(() => staticToken(config, {})).toThrow(/nope: cannot read api.token_file/);
  });
});
