import cron from "node-cron";

export function isValidSchedule(expression: string): boolean {
  return cron.validate(expression);
}

/** Seconds between two runs of a cron expression (from its next two occurrences). */
export async function scheduleIntervalSeconds(expression: string): Promise<number> {
  const probe = cron.createTask(expression, () => undefined);
  try {
    const [first, second] = probe.getNextRuns(2);
    if (!first || !second) return 60;
    return Math.max(1, Math.round((second.getTime() - first.getTime()) / 1000));
  } finally {
    await probe.destroy();
  }
}
