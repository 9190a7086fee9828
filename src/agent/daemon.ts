import cron from "node-cron";
import type { Logger } from "pino";
import type { CycleResult } from "./cycle.js";

export interface DaemonOptions {
  schedule: string;
  runCycle: () => Promise<CycleResult>;
  logger: Logger;
  /** run a cycle right away instead of waiting for the first scheduled time */
  runAtStart?: boolean;
  /** the timer; node-cron unless a test drives the ticks itself */
  scheduler?: (expression: string, tick: () => void) => { destroy(): void | Promise<void> };
}

const cronScheduler: NonNullable<DaemonOptions["scheduler"]> = (expression, tick) =>
  cron.schedule(expression, tick, { name: "lmkeeper-agent-cycle" });

export interface RunningDaemon {
  /** stops scheduling, waits for a running cycle to finish */
  stop(): Promise<void>;
  /** cycles started so far */
  cyclesStarted(): number;
}

/**
 * Runs cycles on a cron schedule, never two at once: a tick that comes while a cycle is
 * still running is skipped (and logged).
 */
export function startDaemon(options: DaemonOptions): RunningDaemon {
  let running: Promise<void> | undefined;
  let stopped = false;
  let started = 0;

  const tick = (): void => {
    if (stopped) return;
    if (running) {
      options.logger.warn("the previous cycle is still running; skipping this scheduled run");
      return;
    }
    started += 1;
    running = options
      .runCycle()
      .then(
        () => undefined,
        (error: unknown) => {
          options.logger.error({ err: error }, "reconcile cycle crashed");
        },
      )
      .finally(() => {
        running = undefined;
      });
  };

  const task = (options.scheduler ?? cronScheduler)(options.schedule, tick);
  if (options.runAtStart ?? true) tick();

  return {
    async stop() {
      stopped = true;
      await task.destroy();
      if (running) {
        options.logger.info("waiting for the running cycle to finish");
        await running;
      }
    },
    cyclesStarted: () => started,
  };
}
