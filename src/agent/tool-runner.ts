import { spawn, type ChildProcess } from "node:child_process";
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

/** Output kept per stream when the caller sets no limit: agent.yaml's `tool_max_output` default. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** How long to wait for the output pipes to close after the process group was killed. */
const PIPE_RELEASE_MS = 2_000;

export type ToolRunner = (command: ToolCommand, options: RunToolOptions) => Promise<ToolRun>;

/**
 * Runs a vendor tool from an argument vector (never through a shell) in its own process
 * group. When it passes the timeout the whole group is killed — the tool and anything it
 * started — and any process it left behind after a normal exit is killed too.
 *
 * node:child_process directly rather than execa: a cycle starts hundreds of tools, and
 * execa's per-run set-up cost about three times the main-thread CPU of the spawn itself.
 */
export const runTool: ToolRunner = (command, options) => {
  const [file, ...args] = command.argv;
  const started = performance.now();
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_OUTPUT_BYTES;
  const startFailure = (reason: string): ToolRun => ({
    stdout: "",
    stderr: "",
    exitCode: undefined,
    timedOut: false,
    failure: reason,
    durationMs: performance.now() - started,
  });
  if (!file) return Promise.resolve({ ...startFailure("empty command"), durationMs: 0 });

  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      detached: true,
      env: options.env ?? process.env,
      stdio: [command.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (error) {
    // e.g. a NUL byte in an argument: refused before anything runs
    const code = (error as NodeJS.ErrnoException).code;
    return Promise.resolve(startFailure(`cannot run ${file}${code ? ` (${code})` : ""}`));
  }
  const pid = child.pid;
  const stdout = new BoundedOutput(maxBuffer);
  const stderr = new BoundedOutput(maxBuffer);
  let overflowed = false;
  const collect = (output: BoundedOutput) => (chunk: Buffer) => {
    if (output.add(chunk) || overflowed) return;
    overflowed = true;
    if (pid !== undefined) killGroup(pid);
  };
  child.stdout?.on("data", collect(stdout));
  child.stderr?.on("data", collect(stderr));
  if (command.stdin !== undefined && child.stdin) {
    // a tool that exits without reading its input is not an error of ours
    child.stdin.on("error", () => undefined);
    child.stdin.end(command.stdin);
  }

  return new Promise<ToolRun>((resolve) => {
    let timedOut = false;
    let settled = false;
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
    // No kill here: a started tool settles on "close", which always follows "exit", whose
    // handler has already killed the group.
    const settle = (run: ToolRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(releaseTimer);
      resolve(run);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (pid !== undefined) return; // a running tool's errors show in its exit, below
      settle(startFailure(`cannot run ${file}${error.code ? ` (${error.code})` : ""}`));
    });
    // the tool is gone: whatever it left in its group goes too, so no pipe stays open
    child.once("exit", () => {
      if (pid !== undefined) killGroup(pid);
    });
    child.once("close", (code: number | null) => {
      const durationMs = performance.now() - started;
      if (overflowed) {
        // Truncated output could parse into wrong counts: never use it.
        settle({
          stdout: "",
          stderr: stderr.text(),
          exitCode: undefined,
          timedOut,
          failure: `output larger than ${maxBuffer} bytes`,
          durationMs,
        });
        return;
      }
      settle({
        stdout: stdout.text(),
        stderr: stderr.text(),
        exitCode: timedOut || code === null ? undefined : code,
        timedOut,
        durationMs,
      });
    });
  });
};

/** Collects a stream's bytes up to a limit; decoded once at the end, so no character is split. */
class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  constructor(private readonly limit: number) {}

  /** false once the output has passed the limit */
  add(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return false;
    this.chunks.push(chunk);
    return true;
  }

  text(): string {
    // a short output usually arrives in one chunk: decode it without copying it first
    const only = this.chunks.length === 1 ? this.chunks[0] : undefined;
    return (only ?? Buffer.concat(this.chunks)).toString("utf8");
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    // ESRCH: the group is already gone, which is the normal case after a clean exit.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
