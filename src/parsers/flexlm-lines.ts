/**
 * The per-line grammar inside an lmstat `Users of` block. Checkout lines are anchored on their
 * right-hand part, `(vVER) (server/port handle), start …`, because user and display names may
 * hold spaces and arbitrary bytes; the left-hand part is split last.
 */

export interface CheckoutLine {
  username: string;
  host: string;
  count: number;
}

const START_ANCHOR = "), start ";
const QUEUED_ANCHOR = ") queued for ";
const QUEUED_TAIL = /^(\d{1,10}) licenses?\s*$/;
const RESERVATION = /^(\d{1,10}) RESERVATIONs? for (\S+) (.+) \(([^()]*)\)\s*$/;

export function hasQueuedAnchor(trimmed: string): boolean {
  return trimmed.lastIndexOf(QUEUED_ANCHOR) >= 0;
}

/** What every checkout line has right after its `(server/port handle` group. */
export const CHECKOUT_ANCHOR = START_ANCHOR;

const isBlank = (code: number): boolean => code === 32 || code === 9;

/**
 * Finds where the `(vVER)` group opens, given the index of the `)` that closes the
 * `(server/port handle)` group. Returns -1 unless the line has that exact right-hand shape.
 */
function versionGroupStart(text: string, lineStart: number, handleClose: number): number {
  // the `(vVER)` group closes right before the handle group opens: `…(v61.9) (lic1/27000 7)`
  const between = text.lastIndexOf(") (", handleClose);
  if (between <= lineStart) return -1;
  const slash = text.indexOf("/", between);
  if (slash < 0 || slash > handleClose) return -1;
  const versionOpen = text.lastIndexOf("(v", between);
  return versionOpen < lineStart ? -1 : versionOpen;
}

/**
 * The checkout on the line `text[lineStart, lineEnd)` whose `), start ` anchor is at `anchor`;
 * undefined when the line does not have that shape. Works in place (indent and trailing blanks
 * included) so the hot path allocates nothing but the result.
 */
export function parseCheckoutIn(
  text: string,
  lineStart: number,
  lineEnd: number,
  anchor: number,
): CheckoutLine | undefined {
  const versionOpen = versionGroupStart(text, lineStart, anchor);
  if (versionOpen <= lineStart) return undefined;
  const count = readStartTail(text, anchor + START_ANCHOR.length, lineEnd);
  if (count < 0) return undefined;
  let from = lineStart;
  while (from < versionOpen && isBlank(text.charCodeAt(from))) from++;
  let to = versionOpen;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  const hostIndex = findHost(text, from, to);
  if (hostIndex < 0) return undefined;
  return {
    username: text.slice(tokenStarts[0] as number, tokenEnds[hostIndex - 1] as number),
    host: text.slice(tokenStarts[hostIndex] as number, tokenEnds[hostIndex] as number),
    count,
  };
}

/** Reads `digits` at `at`: the value, with the index after it in `digitsEnd`; -1 if none. */
let digitsEnd = 0;
function readDigits(line: string, at: number, maxDigits: number): number {
  let value = 0;
  let i = at;
  while (i < line.length && i - at < maxDigits) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    i++;
  }
  digitsEnd = i;
  return i === at ? -1 : value;
}

/**
 * `Www M/D H:MM[, N licenses][  (linger: a / b)][, PID: n]` from `at` to the end of the line
 * (trailing blanks allowed): the seat count (1 when absent), or -1 when the tail is not that.
 * Hand-written because it runs once per checkout and a regex match allocates.
 */
function readStartTail(line: string, at: number, end: number): number {
  let i = line.indexOf(" ", at);
  if (i <= at || i >= end) return -1;
  if (readDigits(line, i + 1, 2) < 0 || line.charCodeAt(digitsEnd) !== 47 /* / */) return -1;
  if (readDigits(line, digitsEnd + 1, 2) < 0 || line.charCodeAt(digitsEnd) !== 32) return -1;
  if (readDigits(line, digitsEnd + 1, 2) < 0 || line.charCodeAt(digitsEnd) !== 58 /* : */)
    return -1;
  const minuteAt = digitsEnd + 1;
  if (readDigits(line, minuteAt, 2) < 0 || digitsEnd !== minuteAt + 2) return -1;
  i = digitsEnd;
  let count = 1;
  let suffixes = 0;
  while (i < end) {
    if (line.startsWith(", PID: ", i)) {
      if (readDigits(line, i + 7, 15) < 0) return -1;
      i = digitsEnd;
    } else if (suffixes === 0 && line.startsWith(", ", i) && readDigits(line, i + 2, 10) >= 0) {
      count = readDigits(line, i + 2, 10);
      if (!line.startsWith(" license", digitsEnd)) return -1;
      i = digitsEnd + 8;
      if (line.charCodeAt(i) === 115 /* s */) i++;
    } else if (isBlank(line.charCodeAt(i))) {
      let j = i;
      while (j < end && isBlank(line.charCodeAt(j))) j++;
      if (j === end) return count;
      if (!line.startsWith("(linger: ", j)) return -1;
      if (readDigits(line, j + 9, 15) < 0 || !line.startsWith(" / ", digitsEnd)) return -1;
      if (readDigits(line, digitsEnd + 3, 15) < 0 || line.charCodeAt(digitsEnd) !== 41) return -1;
      i = digitsEnd + 1;
    } else {
      return -1;
    }
    suffixes++;
  }
  return count;
}

/** A checkout line (trimmed or not), or undefined when it does not have that shape. */
export function parseCheckoutLine(line: string): CheckoutLine | undefined {
  const anchor = line.lastIndexOf(START_ANCHOR);
  return anchor < 0 ? undefined : parseCheckoutIn(line, 0, line.length, anchor);
}

/** The number of seats a `… queued for N license(s)` line waits for, or undefined. */
export function parseQueuedLine(trimmed: string): number | undefined {
  const anchor = trimmed.lastIndexOf(QUEUED_ANCHOR);
  if (anchor < 0) return undefined;
  if (versionGroupStart(trimmed, 0, anchor) < 1) return undefined;
  const tail = QUEUED_TAIL.exec(trimmed.slice(anchor + QUEUED_ANCHOR.length));
  return tail ? Number(tail[1]) : undefined;
}

export interface ReservationLine {
  count: number;
  kind: string;
  name: string;
}

/** `N RESERVATION[s] for KIND name (server/port)`, or undefined. */
export function parseReservationLine(trimmed: string): ReservationLine | undefined {
  const match = RESERVATION.exec(trimmed);
  if (!match) return undefined;
  return { count: Number(match[1]), kind: match[2] ?? "", name: match[3] ?? "" };
}

// Token bounds of the holder being split, reused across lines to spare the allocations.
const tokenStarts: number[] = [];
const tokenEnds: number[] = [];

function samePrefix(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  }
  return true;
}

function isHostnameToken(line: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && (i === from || (c !== 46 && c !== 95 && c !== 45))) return false;
  }
  return to > from;
}

/** The index of the host among the holder tokens of `line[from, to)`, or -1. */
function findHost(line: string, from: number, to: number): number {
  let n = 0;
  let i = from;
  while (i < to) {
    if (line.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    let space = line.indexOf(" ", i);
    if (space < 0 || space > to) space = to;
    tokenStarts[n] = i;
    tokenEnds[n] = space;
    n++;
    i = space + 1;
  }
  if (n < 2) return -1;
  if (n <= 3) return 1;
  for (let k = 2; k < n; k++) {
    if (line.startsWith("/dev/", tokenStarts[k] as number)) return k - 1;
  }
  for (let k = 1; k < n - 1; k++) {
    const start = tokenStarts[k] as number;
    const end = tokenEnds[k] as number;
    const next = tokenStarts[k + 1] as number;
    if (
      (tokenEnds[k + 1] as number) - next >= end - start &&
      samePrefix(line, start, next, end - start) &&
      isHostnameToken(line, start, end)
    ) {
      return k;
    }
  }
  for (let k = n - 2; k >= 1; k--) {
    if (isHostnameToken(line, tokenStarts[k] as number, tokenEnds[k] as number)) return k;
  }
  return 1;
}

/**
 * Splits `user host display` where user and display may contain spaces; host never does.
 * With more than three tokens, the host is, in order: the token before a `/dev/…` display; a
 * host that the display starts with (X displays `host:0`, Windows `HOST` `HOST0`); the last
 * hostname-like token that leaves a display; otherwise the second token.
 */
export function splitHolder(left: string): { username: string; host: string } | undefined {
  const hostIndex = findHost(left, 0, left.length);
  if (hostIndex < 0) return undefined;
  return {
    username: left.slice(tokenStarts[0] as number, tokenEnds[hostIndex - 1] as number),
    host: left.slice(tokenStarts[hostIndex] as number, tokenEnds[hostIndex] as number),
  };
}
