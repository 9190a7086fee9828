/** A cluster is healthy while its agent has reported within the last two intervals. */
export function isClusterHealthy(
  lastReported: string,
  intervalSeconds: number,
  now: Date,
): boolean {
  const reportedAt = Date.parse(lastReported);
  if (Number.isNaN(reportedAt)) return false;
  return now.getTime() - reportedAt <= 2 * intervalSeconds * 1000;
}
