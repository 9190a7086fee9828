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
/** `Www M/D H:MM[, N licenses][  (linger: a / b)][, PID: n]`, in either suffix order. */
const START_TAIL =
  /^\S+ \d{1,2}\/\d{1,2} \d{1,2}:\d{2}(?:, (\d{1,10}) licenses?)?(?:\s*\(linger: \d+ \/ \d+\)|, PID: \d+)*\s*$/;
const QUEUED_TAIL = /^(\d{1,10}) licenses?\s*$/;
const RESERVATION = /^(\d{1,10}) RESERVATIONs? for (\S+) (.+) \(([^()]*)\)\s*$/;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function hasCheckoutAnchor(trimmed: string): boolean {
  return trimmed.lastIndexOf(START_ANCHOR) >= 0;
}

export function hasQueuedAnchor(trimmed: string): boolean {
  return trimmed.lastIndexOf(QUEUED_ANCHOR) >= 0;
}

/**
 * Finds where the `(vVER)` group opens, given the index of the `)` that closes the
 * `(server/port handle)` group. Returns -1 unless the line has that exact right-hand shape.
 */
function versionGroupStart(line: string, handleClose: number): number {
  const handleOpen = line.lastIndexOf(" (", handleClose);
  if (handleOpen < 1 || line.charCodeAt(handleOpen - 1) !== 41 /* ) */) return -1;
  if (line.indexOf("/", handleOpen) < 0 || line.indexOf("/", handleOpen) > handleClose) return -1;
  const versionOpen = line.lastIndexOf("(v", handleOpen - 1);
  if (versionOpen < 0) return -1;
  return versionOpen;
}

/** A checkout (`… , start …`) line, or undefined when it does not have that shape. */
export function parseCheckoutLine(trimmed: string): CheckoutLine | undefined {
  const anchor = trimmed.lastIndexOf(START_ANCHOR);
  if (anchor < 0) return undefined;
  const versionOpen = versionGroupStart(trimmed, anchor);
  if (versionOpen < 1) return undefined;
  const tail = START_TAIL.exec(trimmed.slice(anchor + START_ANCHOR.length));
  if (!tail) return undefined;
  const holder = splitHolder(trimmed.slice(0, versionOpen));
  if (!holder) return undefined;
  return {
    username: holder.username,
    host: holder.host,
    count: tail[1] === undefined ? 1 : Number(tail[1]),
  };
}

/** The number of seats a `… queued for N license(s)` line waits for, or undefined. */
export function parseQueuedLine(trimmed: string): number | undefined {
  const anchor = trimmed.lastIndexOf(QUEUED_ANCHOR);
  if (anchor < 0) return undefined;
  if (versionGroupStart(trimmed, anchor) < 1) return undefined;
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

/**
 * Splits `user host display` where user and display may contain spaces; host never does.
 * In order: the token before a `/dev/…` display; a host that the display starts with (X
 * displays `host:0`, Windows `HOST` `HOST0`); the last hostname-like token that leaves a
 * display; otherwise the second token.
 */
export function splitHolder(left: string): { username: string; host: string } | undefined {
  const tokens = left.split(" ").filter((token) => token !== "");
  const n = tokens.length;
  if (n < 2) return undefined;
  if (n <= 3) return { username: tokens[0] ?? "", host: tokens[1] ?? "" };
  let hostIndex = -1;
  for (let i = 2; i < n && hostIndex < 0; i++) {
    if ((tokens[i] ?? "").startsWith("/dev/")) hostIndex = i - 1;
  }
  for (let i = 1; i < n - 1 && hostIndex < 0; i++) {
    const candidate = tokens[i] ?? "";
    if (HOSTNAME.test(candidate) && (tokens[i + 1] ?? "").startsWith(candidate)) hostIndex = i;
  }
  for (let i = n - 2; i >= 1 && hostIndex < 0; i--) {
    if (HOSTNAME.test(tokens[i] ?? "")) hostIndex = i;
  }
  if (hostIndex < 0) hostIndex = 1;
  return { username: tokens.slice(0, hostIndex).join(" "), host: tokens[hostIndex] ?? "" };
}
