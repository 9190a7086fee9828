import { allDigits } from "./scan.js";

/**
 * Compares dotted versions part by part: numerically where both parts are digits, else as
 * text; a missing part counts as 0. Allocation-free: it runs once per extra pool.
 */
export function compareFlexlmVersions(a: string, b: string): number {
  if (a === b) return 0;
  return compareFlexlmVersionAt(a, 0, a.length, b);
}

/** compareFlexlmVersions of `text[from, to)` (read in place) and `b`. */
export function compareFlexlmVersionAt(text: string, from: number, to: number, b: string): number {
  let i = from;
  let j = 0;
  while (i < to || j < b.length) {
    const aEnd = dotOrEnd(text, i, to);
    let bEnd = b.indexOf(".", j);
    if (bEnd < 0) bEnd = b.length;
    const diff = comparePart(text, i, aEnd, b, j, bEnd);
    if (diff !== 0) return diff;
    i = aEnd + 1;
    j = bEnd + 1;
  }
  return 0;
}

/** The first `.` in `text[from, to)`, or `to`; a loop, as versions are a few characters long. */
function dotOrEnd(text: string, from: number, to: number): number {
  let at = from;
  while (at < to && text.charCodeAt(at) !== 46) at++;
  return at;
}

function comparePart(
  a: string,
  aFrom: number,
  aTo: number,
  b: string,
  bFrom: number,
  bTo: number,
): number {
  const aEmpty = aFrom >= aTo;
  const bEmpty = bFrom >= bTo;
  if ((aEmpty || allDigits(a, aFrom, aTo)) && (bEmpty || allDigits(b, bFrom, bTo))) {
    // skip leading zeros, then the longer number is larger, else compare digit by digit
    while (aFrom < aTo - 1 && a.charCodeAt(aFrom) === 48) aFrom++;
    while (bFrom < bTo - 1 && b.charCodeAt(bFrom) === 48) bFrom++;
    const aLength = aEmpty ? 0 : aTo - aFrom;
    const bLength = bEmpty ? 0 : bTo - bFrom;
    const aZero = aEmpty || (aLength === 1 && a.charCodeAt(aFrom) === 48);
    const bZero = bEmpty || (bLength === 1 && b.charCodeAt(bFrom) === 48);
    if (aZero || bZero) return aZero && bZero ? 0 : aZero ? -1 : 1;
    if (aLength !== bLength) return aLength - bLength;
    for (let k = 0; k < aLength; k++) {
      const diff = a.charCodeAt(aFrom + k) - b.charCodeAt(bFrom + k);
      if (diff !== 0) return diff;
    }
    return 0;
  }
  return a.slice(aFrom, aTo).localeCompare(b.slice(bFrom, bTo));
}
