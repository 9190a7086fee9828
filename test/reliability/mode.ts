/**
 * The reliability suite runs bounded in `npm test` (short mode) and at full size when
 * LMKEEPER_RELIABILITY=long. Each test takes its sizes from here.
 */
export const LONG_MODE = process.env["LMKEEPER_RELIABILITY"] === "long";

export function bySize<T>(short: T, long: T): T {
  return LONG_MODE ? long : short;
}

/** vitest timeout for a test whose work grows with the mode */
export function timeoutMs(shortMs: number, longMs: number): number {
  return bySize(shortMs, longMs);
}
