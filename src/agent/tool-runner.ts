import { execa } from "execa";
import type { ToolCommand } from "../parsers/index.js";

export interface ToolRun {
  stdout: string;
  stderr: string;
  /** undefined when the process was killed or never started */
  exitCode: number | undefined;
  timedOut: boolean;
  /** the run gave nothing usable: the process could not start, or its output overflowed */
  failure?: string;
  durationMs: number;
}

export interface RunToolOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** largest stdout/stderr kept, in bytes */
  maxBuffer?: number;
}

/** How long to wait for the output pipes to close after the process group was killed. */
const PIPE_RELEASE_MS = 2_000;

export type ToolRunner = (command: ToolCommand, options: RunToolOptions) => Promise<ToolRun>;

/**
 * Runs a vendor tool from an argument vector (never through a shell) in its own process
 * group. When it passes the timeout the whole group is killed — the tool and anything it
 * started — and any process it left behind after a normal exit is killed too.
 */
export const runTool: ToolRunner = async (command, options) => {
  const [file, ...args] = command.argv;
  const started = performance.now();
  if (!file) {
    return {
      stdout: "",
      stderr: "",
      exitCode: undefined,
      timedOut: false,
      failure: "empty command",
      durationMs: 0,
    };
  }
  const maxBuffer = options.maxBuffer ?? 16 * 1024 * 1024;
  const child = execa(file, args, {
    detached: true,
    reject: false,
    stripFinalNewline: false,
    ...(command.stdin !== undefined ? { input: command.stdin } : { stdin: "ignore" as const }),
    env: options.env ?? process.env,
    extendEnv: false,
    maxBuffer,
    encoding: "utf8",
  });
  const pid = child.pid;
  let timedOut = false;
  let releaseTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) killGroup(pid);
    // A descendant that left the group (setsid) can keep the output pipes open; stop
    // waiting for them so a cycle never hangs on it.
    releaseTimer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, PIPE_RELEASE_MS);
  }, options.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  clearTimeout(releaseTimer);
  if (pid !== undefined) killGroup(pid);
  const durationMs = performance.now() - started;
  const stdout = typeof result.stdout === "string" ? result.stdout : "";
  const stderr = typeof result.stderr === "string" ? result.stderr : "";
  const startFailed =
    pid === undefined ||
    (!timedOut && result.failed && result.exitCode === undefined && !result.isTerminated);
  if (startFailed) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    return {
      stdout,
      stderr,
      exitCode: undefined,
      timedOut: false,
      failure: `cannot run ${file}${code ? ` (${code})` : ""}`,
      durationMs,
    };
  }
  if (result.isMaxBuffer) {
    // Truncated output could parse into wrong counts: never use it.
    return {
      stdout: "",
      stderr,
      exitCode: undefined,
      timedOut,
      failure: `output larger than ${maxBuffer} bytes`,
      durationMs,
    };
  }
  return { stdout, stderr, exitCode: timedOut ? undefined : result.exitCode, timedOut, durationMs };
};

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    // ESRCH: the group is already gone, which is the normal case after a clean exit.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
