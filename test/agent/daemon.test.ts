import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CycleResult } from "../../src/agent/cycle.js";
import { startDaemon } from "../../src/agent/daemon.js";

const logger = pino({ level: "silent" });
const result: CycleResult = {
  success: true,
  outcomes: [],
  errors: [],
  bulk: [],
  deletedBookings: 0,
  durationMs: 1,
};

/** A cycle that runs until the test lets it finish. */
function heldCycles(): {
  runCycle: () => Promise<CycleResult>;
  finish: () => void;
  started: () => number;
} {
  let release: (() => void) | undefined;
  let started = 0;
  return {
    runCycle: () => {
      started += 1;
      return new Promise((resolve) => {
        release = () => resolve(result);
      });
    },
    finish: () => release?.(),
    started: () => started,
  };
}

function manualScheduler(): {
  scheduler: (e: string, tick: () => void) => { destroy(): void };
  tick: () => void;
  destroyed: () => boolean;
} {
  let tick: () => void = () => undefined;
  let destroyed = false;
  return {
    scheduler: (_expression, onTick) => {
      tick = onTick;
      return { destroy: () => void (destroyed = true) };
    },
    tick: () => tick(),
    destroyed: () => destroyed,
  };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("agent daemon", () => {
  it("never runs two cycles at once: a tick during a cycle is skipped", async () => {
    const cycles = heldCycles();
    const timer = manualScheduler();
    const daemon = startDaemon({
      schedule: "* * * * *",
      runCycle: cycles.runCycle,
      logger,
      scheduler: timer.scheduler,
    });
    expect(cycles.started()).toBe(1);
    timer.tick();
    timer.tick();
    expect(cycles.started()).toBe(1);
    cycles.finish();
    await flush();
    timer.tick();
    expect(cycles.started()).toBe(2);
    cycles.finish();
    await daemon.stop();
  });

  it("on stop, waits for the running cycle and starts no other", async () => {
    const cycles = heldCycles();
    const timer = manualScheduler();
    const daemon = startDaemon({
      schedule: "* * * * *",
      runCycle: cycles.runCycle,
      logger,
      scheduler: timer.scheduler,
    });
    let stopped = false;
    const stopping = daemon.stop().then(() => (stopped = true));
    await flush();
    expect(timer.destroyed()).toBe(true);
    expect(stopped).toBe(false);
    timer.tick();
    expect(cycles.started()).toBe(1);
    cycles.finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("keeps running after a cycle throws", async () => {
    const timer = manualScheduler();
    let calls = 0;
    const daemon = startDaemon({
      schedule: "* * * * *",
      runCycle: async () => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
        return result;
      },
      logger,
      scheduler: timer.scheduler,
    });
    await flush();
    timer.tick();
    await flush();
    expect(calls).toBe(2);
    await daemon.stop();
  });
});
