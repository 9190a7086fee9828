/**
 * One rule for "is this the same machine?" wherever a booking's lead host (as Slurm names it)
 * is matched with the host a license server prints: tools print short names or FQDNs, in any
 * letter case, sometimes with the root's trailing dot.
 */

/** Lower case, without a trailing dot. */
export function normalHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** The first label of a normalised host name ("" for one that starts with a dot). */
export function shortName(host: string): string {
  const dot = host.indexOf(".");
  return dot < 0 ? host : host.slice(0, dot);
}

/**
 * Equal once normalised, or, where one of the two is a short name, equal in their first
 * label: `node001` is `NODE001.cluster.local`, `node001.a.org` is not `node001.b.org`.
 */
export function sameHost(a: string, b: string): boolean {
  const left = normalHost(a);
  const right = normalHost(b);
  if (left === right) return true;
  if (left.includes(".") && right.includes(".")) return false;
  const short = shortName(left);
  return short !== "" && short === shortName(right);
}
