import { readCount } from "./text.js";
import { hasAt, isSpaceOrTab, ShortStrings } from "./scan.js";

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
export const QUEUED_ANCHOR = ") queued for ";
const QUEUED_TAIL = /^(\d{1,10}) licenses?\s*$/;
const RESERVATION = /^(\d{1,10}) RESERVATIONs? for (\S+) (.+) \(([^()]*)\)\s*$/;

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
 * versionGroupStart for a line whose first `(v` at or after `lineStart` is at `firstVersion`
 * (-1 if none). The usual line, where that `(v` group is followed by the handle group and
 * nothing else, is confirmed by short forward searches; any other line gets the exact rule
 * above, whose lastIndexOf calls are runtime calls and cost several times more.
 */
function versionGroupFrom(
  text: string,
  lineStart: number,
  handleClose: number,
  firstVersion: number,
): number {
  if (firstVersion < 0 || firstVersion >= handleClose) return -1;
  // the first `)` after `(v` closes the version group and opens the handle group: `) (`
  const joint = text.indexOf(")", firstVersion);
  if (
    text.charCodeAt(joint + 1) !== 32 ||
    text.charCodeAt(joint + 2) !== 40 /* ( */ ||
    // no other `)` up to the handle's close, so no later `) (`
    text.indexOf(")", joint + 1) !== handleClose ||
    // no other `(` inside the version group, so no later `(v` before the joint
    text.indexOf("(", firstVersion + 1) !== joint + 2
  ) {
    return versionGroupStart(text, lineStart, handleClose);
  }
  const slash = text.indexOf("/", joint);
  return slash < 0 || slash > handleClose ? -1 : firstVersion;
}

/**
 * Reads the checkout lines of an output in place, once `start`ed on it. It keeps where the
 * next `), start ` and the next `(v` are, so no part of the output is searched for them
 * more than twice, and remembers short user names (ShortStrings).
 */
export class CheckoutReader {
  /** -2: not searched yet; -1: none left */
  private nextAnchor = -2;
  private nextVersion = -2;

  /** short user names already read (ShortStrings) */
  private readonly userNames = new ShortStrings();

  private text = "";

  /** Starts on an output: forgets the previous one's cursors and names. */
  start(text: string): void {
    this.text = text;
    this.nextAnchor = -2;
    this.nextVersion = -2;
    this.userNames.start(text);
  }

  /** Lets go of the output. */
  finish(): void {
    this.text = "";
  }

  /**
   * A `), start ` anchor on the line `[lineStart, lineEnd)`, or -1 when it has none; `read`
   * moves on to the line's last anchor where that matters. A checkout's anchor sits in the
   * last few dozen characters, so the line's end is probed first; only when that fails is
   * the line searched from its start, and the anchor found kept (`nextAnchor`) for the lines
   * up to it, so that no part of the output is searched more than twice.
   */
  anchorIn(lineStart: number, lineEnd: number): number {
    const text = this.text;
    let next = this.nextAnchor;
    if (next === -1) return -1;
    if (next >= lineStart) return next < lineEnd ? next : -1;
    const windowStart = lineEnd - TAIL_WINDOW;
    if (windowStart > lineStart) {
      const probe = text.indexOf(START_ANCHOR, windowStart);
      if (probe >= 0 && probe < lineEnd) {
        // left behind the next line's start: that line searches afresh
        this.nextAnchor = probe;
        return probe;
      }
    }
    next = text.indexOf(START_ANCHOR, lineStart);
    this.nextAnchor = next;
    return next >= 0 && next < lineEnd ? next : -1;
  }

  /**
   * The checkout on the line `[lineStart, lineEnd)` that holds the anchor `anchor`; undefined
   * when the line does not have that shape. Works in place (indent and trailing blanks
   * included), so the hot path allocates nothing but the result.
   */
  read(lineStart: number, lineEnd: number, anchor: number): CheckoutLine | undefined {
    const text = this.text;
    // the tail first: its `M/D` bounds the slash search of versionGroupFrom to this line
    let count = readStartTail(text, anchor + START_ANCHOR.length, lineEnd);
    if (count < 0) {
      // a tail that reads holds no further anchor; one that does not may: use the last
      const last = this.lastAnchor(anchor, lineEnd);
      if (last === anchor) return undefined;
      anchor = last;
      count = readStartTail(text, anchor + START_ANCHOR.length, lineEnd);
      if (count < 0) return undefined;
    }
    let firstVersion = this.nextVersion;
    if (firstVersion !== -1 && firstVersion < lineStart) {
      firstVersion = text.indexOf("(v", lineStart);
      this.nextVersion = firstVersion;
    }
    const versionOpen = versionGroupFrom(text, lineStart, anchor, firstVersion);
    const hostIndex = holderHost(text, lineStart, versionOpen);
    if (hostIndex < 0) return undefined;
    return {
      username: this.userNames.slice(tokenStarts[0] as number, tokenEnds[hostIndex - 1] as number),
      host: hostToken(text, hostIndex),
      count,
    };
  }

  /** The last anchor on the line from `anchor` on; keeps the next one after it. */
  private lastAnchor(anchor: number, lineEnd: number): number {
    let next = this.text.indexOf(START_ANCHOR, anchor + 1);
    while (next >= 0 && next < lineEnd) {
      anchor = next;
      next = this.text.indexOf(START_ANCHOR, next + 1);
    }
    this.nextAnchor = next;
    return anchor;
  }
}

/** How far before a line's end its `), start ` anchor is looked for first. */
const TAIL_WINDOW = 96;

/**
 * The checkout on the line `text[lineStart, lineEnd)` whose `), start ` anchor is at `anchor`;
 * undefined when the line does not have that shape.
 */
function parseCheckoutIn(
  text: string,
  lineStart: number,
  lineEnd: number,
  anchor: number,
): CheckoutLine | undefined {
  const count = readStartTail(text, anchor + START_ANCHOR.length, lineEnd);
  if (count < 0) return undefined;
  return checkoutBefore(text, lineStart, versionGroupStart(text, lineStart, anchor), count);
}

/**
 * Splits the holder `user host [display]` between the line start and the `(vVER)` group into
 * tokenStarts/tokenEnds; the index of the host token, or -1.
 */
function holderHost(text: string, lineStart: number, versionOpen: number): number {
  if (versionOpen <= lineStart) return -1;
  let from = lineStart;
  while (from < versionOpen && isSpaceOrTab(text.charCodeAt(from))) from++;
  let to = versionOpen;
  while (to > from && isSpaceOrTab(text.charCodeAt(to - 1))) to--;
  return findHost(text, from, to);
}

/** The checkout whose holder ends where the `(vVER)` group opens. */
function checkoutBefore(
  text: string,
  lineStart: number,
  versionOpen: number,
  count: number,
): CheckoutLine | undefined {
  const hostIndex = holderHost(text, lineStart, versionOpen);
  if (hostIndex < 0) return undefined;
  return {
    username: text.slice(tokenStarts[0] as number, tokenEnds[hostIndex - 1] as number),
    host: hostToken(text, hostIndex),
    count,
  };
}

/** The end of the run of at most `maxDigits` digits at `at` (`at` itself when none). */
export function digitRunEnd(text: string, at: number, maxDigits: number): number {
  const limit = at + maxDigits;
  let i = at;
  while (i < limit) {
    const c = text.charCodeAt(i);
    // written so that NaN (past the end of the text) stops the run
    if (!(c >= 48 && c <= 57)) break;
    i++;
  }
  return i;
}

/**
 * `Www M/D H:MM[, N licenses][  (linger: a / b)][, PID: n]` from `at` to the end of the line
 * (trailing blanks allowed): the seat count (1 when absent), or -1 when the tail is not that.
 * Hand-written because it runs once per checkout and a regex match allocates.
 */
function readStartTail(line: string, at: number, end: number): number {
  const space = line.indexOf(" ", at);
  if (space <= at || space >= end) return -1;
  const monthEnd = digitRunEnd(line, space + 1, 2);
  if (monthEnd === space + 1 || line.charCodeAt(monthEnd) !== 47 /* / */) return -1;
  const dayEnd = digitRunEnd(line, monthEnd + 1, 2);
  if (dayEnd === monthEnd + 1 || line.charCodeAt(dayEnd) !== 32) return -1;
  const hourEnd = digitRunEnd(line, dayEnd + 1, 2);
  if (hourEnd === dayEnd + 1 || line.charCodeAt(hourEnd) !== 58 /* : */) return -1;
  let i = digitRunEnd(line, hourEnd + 1, 2);
  if (i !== hourEnd + 3) return -1;
  let count = 1;
  let suffixes = 0;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === 44 /* , */) {
      if (isPidAt(line, i)) {
        const pidEnd = digitRunEnd(line, i + 7, 15);
        if (pidEnd === i + 7) return -1;
        i = pidEnd;
      } else {
        const countEnd = suffixes === 0 ? digitRunEnd(line, i + 2, 10) : i + 2;
        if (countEnd === i + 2 || line.charCodeAt(i + 1) !== 32) return -1;
        if (!hasAt(line, countEnd, " license")) return -1;
        count = readCount(line, i + 2, countEnd);
        i = countEnd + 8;
        if (line.charCodeAt(i) === 115 /* s */) i++;
      }
    } else if (isSpaceOrTab(c)) {
      let j = i + 1;
      while (j < end && isSpaceOrTab(line.charCodeAt(j))) j++;
      if (j === end) return count;
      i = lingerEnd(line, j);
      if (i < 0) return -1;
    } else {
      return -1;
    }
    suffixes++;
  }
  return count;
}

/** Whether `, PID: ` is at `at` (whose `,` the caller has seen), compared code by code. */
function isPidAt(line: string, at: number): boolean {
  return (
    line.charCodeAt(at + 2) === 80 /* P */ &&
    line.charCodeAt(at + 3) === 73 /* I */ &&
    line.charCodeAt(at + 4) === 68 /* D */ &&
    line.charCodeAt(at + 5) === 58 /* : */ &&
    line.charCodeAt(at + 1) === 32 &&
    line.charCodeAt(at + 6) === 32
  );
}

/** The index after `(linger: a / b)` at `at`, or -1. */
function lingerEnd(line: string, at: number): number {
  if (!hasAt(line, at, "(linger: ")) return -1;
  const firstEnd = digitRunEnd(line, at + 9, 15);
  if (firstEnd === at + 9 || !hasAt(line, firstEnd, " / ")) return -1;
  const secondEnd = digitRunEnd(line, firstEnd + 3, 15);
  if (secondEnd === firstEnd + 3 || line.charCodeAt(secondEnd) !== 41 /* ) */) return -1;
  return secondEnd + 1;
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

/**
 * The count of a `N RESERVATION[s] for KIND name (server/port)` line, or undefined. Tested,
 * not matched: one runs per reservation, and a match would allocate its groups.
 */
export function reservationCount(trimmed: string): number | undefined {
  if (!RESERVATION.test(trimmed)) return undefined;
  return readCount(trimmed, 0, trimmed.indexOf(" "));
}

// Token bounds of the holder being split, reused across lines to spare the allocations.
const tokenStarts: number[] = [];
const tokenEnds: number[] = [];

/** A run of hostname characters; sticky, so it is tried at `lastIndex` only. */
const HOSTNAME_RUN = /[A-Za-z0-9][A-Za-z0-9._-]*/y;

/**
 * The host token that findHost sliced to compare it with the display (and where it starts,
 * -1 for none), so that the checkout takes that string instead of slicing it again.
 */
let comparedHost = "";
let comparedHostStart = -1;

/**
 * The holder token `index` as the host string. Takes comparedHost when that is the token,
 * and lets go of it: a slice keeps its whole output alive.
 */
function hostToken(text: string, index: number): string {
  const start = tokenStarts[index] as number;
  if (start !== comparedHostStart) return text.slice(start, tokenEnds[index] as number);
  const host = comparedHost;
  comparedHost = "";
  comparedHostStart = -1;
  return host;
}

/**
 * Whether the token `line[start, end)` (which ends at a space) is hostname-like and the text
 * at `next` starts with it. The two are compared as slices: one string comparison costs a
 * third of comparing them code by code, and the token's slice, the host when they match, is
 * kept for the checkout (comparedHost), so only the display's slice is garbage.
 */
function isHostPrefixOf(line: string, start: number, end: number, next: number): boolean {
  if (line.charCodeAt(start) !== line.charCodeAt(next)) return false;
  HOSTNAME_RUN.lastIndex = start;
  if (!HOSTNAME_RUN.test(line) || HOSTNAME_RUN.lastIndex !== end) return false;
  const token = line.slice(start, end);
  if (token !== line.slice(next, next + (end - start))) return false;
  comparedHost = token;
  comparedHostStart = start;
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
  comparedHost = "";
  comparedHostStart = -1;
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
    const start = tokenStarts[k] as number;
    if (line.charCodeAt(start) === 47 /* / */ && hasAt(line, start, "/dev/")) return k - 1;
  }
  for (let k = 1; k < n - 1; k++) {
    const start = tokenStarts[k] as number;
    const end = tokenEnds[k] as number;
    const next = tokenStarts[k + 1] as number;
    if (
      (tokenEnds[k + 1] as number) - next >= end - start &&
      isHostPrefixOf(line, start, end, next)
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
    host: hostToken(left, hostIndex),
  };
}
