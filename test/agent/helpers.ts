import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FAKE_TOOL = resolve("test/agent/tools/fake-tool.mjs");
export const FIXTURE = (name: string): string => resolve("fixtures/flexlm", name);

export interface FakeServerPlan {
  fixture?: string;
  stdout?: string;
  exit?: number;
  delayMs?: number;
  hang?: boolean;
  escape?: boolean;
  pidFile?: string;
}

/** A scratch directory with the fake tool's plan and run log; `env` points the tool at them. */
export function fakeToolWorkspace(servers: Record<number, FakeServerPlan>): {
  dir: string;
  env: NodeJS.ProcessEnv;
  runs: () => Array<{ argv: string[]; port: string | null; pid: number }>;
} {
  const dir = mkdtempSync(join(tmpdir(), "lmkeeper-agent-"));
  const planPath = join(dir, "plan.json");
  const logPath = join(dir, "runs.jsonl");
  writeFileSync(planPath, JSON.stringify({ servers }));
  return {
    dir,
    env: { ...process.env, FAKE_TOOL_PLAN: planPath, FAKE_TOOL_LOG: logPath },
    runs: () =>
      existsSync(logPath)
        ? readFileSync(logPath, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as { argv: string[]; port: string | null; pid: number })
        : [],
  };
}

/**
 * Whether a process still exists. `process.kill(pid, 0)` also succeeds for a zombie (dead,
 * not yet reaped — containers whose PID 1 does not reap leave those), so a zombie counts
 * as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls until `check` holds or the deadline passes; returns its last value. */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((done) => setTimeout(done, 25));
  }
  return check();
}
