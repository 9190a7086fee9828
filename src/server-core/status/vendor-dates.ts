const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Year used for licenses that never expire, where a tool can only print a date. */
export const NEVER_EXPIRES_YEAR = 9999;

/**
 * A pool's expiry (`permanent` or FlexLM's `d-mmm-yyyy`) as `YYYY-MM-DD`; permanent
 * pools, and FlexLM's year 0 spelling of permanent, give the NEVER_EXPIRES_YEAR's last day.
 */
export function expiryDay(expires: string): string {
  const match = /^(\d{1,2})-([a-z]{3})-(\d{1,4})$/i.exec(expires.trim());
  const month = match ? MONTHS.indexOf((match[2] ?? "").toLowerCase()) : -1;
  if (!match || month < 0 || Number(match[3]) === 0) return `${NEVER_EXPIRES_YEAR}-12-31`;
  return `${match[3]?.padStart(4, "0")}-${pad(month + 1)}-${pad(Number(match[1]))}`;
}

/** An ISO 8601 instant as `YYYY-MM-DD HH:MM:SS` in UTC, the way the vendor tools print times. */
export function utcSeconds(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return "";
  return time.toISOString().slice(0, 19).replace("T", " ");
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
