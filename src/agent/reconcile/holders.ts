/**
 * Who holds a feature on its license server, as bookings are matched against it: the same
 * user (any letter case) on the same host, where tools print short names or FQDNs.
 */
import type { LicenseUse } from "../../parsers/index.js";
import { normalHost, shortName } from "./host-names.js";

/**
 * The holders of a feature's checkouts, indexed once, so that each booking is matched in
 * constant time rather than against every checkout (a busy feature has thousands of both).
 * `holds(user, host)` is true when some use has that user and the same host (sameHost in
 * host-names.ts).
 */
export class Holders {
  private readonly fullHosts = new Set<string>();
  /** user and short name of every host */
  private readonly anyHostShort = new Set<string>();
  /** user and name of the hosts printed short */
  private readonly shortHosts = new Set<string>();

  constructor(uses: readonly LicenseUse[]) {
    for (const use of uses) {
      const user = use.username.toLowerCase();
      const host = normalHost(use.host);
      this.fullHosts.add(holderKey(user, host));
      const short = shortName(host);
      if (short === "") continue;
      this.anyHostShort.add(holderKey(user, short));
      if (!host.includes(".")) this.shortHosts.add(holderKey(user, short));
    }
  }

  holds(username: string, host: string): boolean {
    const user = username.toLowerCase();
    const normal = normalHost(host);
    if (this.fullHosts.has(holderKey(user, normal))) return true;
    const short = shortName(normal);
    if (short === "") return false;
    // a short name matches any host of that name; an FQDN only a host printed short
    const candidates = normal.includes(".") ? this.shortHosts : this.anyHostShort;
    return candidates.has(holderKey(user, short));
  }
}

function holderKey(user: string, host: string): string {
  return JSON.stringify([user, host]);
}
