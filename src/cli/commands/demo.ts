import type { Command } from "commander";

interface DemoFlags {
  duration: string;
  keepRunning?: boolean;
  interval: string;
}

function wholeSeconds(flag: string, value: string, min: number, max: number): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`${flag} ${value}: give a whole number of seconds from ${min} to ${max}`);
  }
  return seconds;
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "run the reference license server, the API and the agent on loopback with simulated users",
    )
    .option("--duration <seconds>", "stop after this many seconds", "20")
    .option("--keep-running", "run until Ctrl-C (and print the URLs to explore)")
    .option("--interval <seconds>", "seconds between agent cycles", "2")
    .action(async (flags: DemoFlags) => {
      let durationSeconds: number;
      let intervalSeconds: number;
      try {
        durationSeconds = wholeSeconds("--duration", flags.duration, 1, 86_400);
        intervalSeconds = wholeSeconds("--interval", flags.interval, 1, 59);
      } catch (error) {
        process.stderr.write(`lmkeeper demo: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const { runDemo } = await import("../../demo/run.js");
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        await runDemo({
          durationSeconds,
          keepRunning: flags.keepRunning ?? false,
          intervalSeconds,
          changeSeconds: intervalSeconds + 1,
          signal: stop.signal,
          write: (text) => process.stdout.write(text),
        });
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`lmkeeper demo: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
