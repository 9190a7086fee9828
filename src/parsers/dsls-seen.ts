/**
 * Which DSLS licenses were already counted. A license key holds its feature name, so keys are
 * grouped by that name: a new license of the feature of the row before needs no hashing, and
 * within a group a few keys are compared directly (a string compare is far cheaper than
 * hashing a long key); a group that grows large switches to a Set.
 */
import type { FeatureUsage } from "./types.js";

const LIST_LIMIT = 16;

/** The licenses seen under one feature name, as printed, and the feature they add to. */
export class LicenseGroup {
  feature: FeatureUsage | undefined = undefined;
  private readonly keys: string[] = [];
  private keySet: Set<string> | undefined = undefined;

  constructor(readonly name: string) {}

  /** Records a license key; false when it was already recorded. */
  add(key: string): boolean {
    const { keySet } = this;
    if (keySet !== undefined) {
      if (keySet.has(key)) return false;
      keySet.add(key);
      return true;
    }
    for (const known of this.keys) {
      // lengths first: most keys differ in length, and that check needs no string compare
      if (known.length === key.length && known === key) return false;
    }
    this.keys.push(key);
    if (this.keys.length > LIST_LIMIT) this.keySet = new Set(this.keys);
    return true;
  }
}

export class SeenLicenses {
  private readonly groups = new Map<string, LicenseGroup>();
  private last: LicenseGroup | undefined = undefined;

  /** The group of a feature name (as printed), made on first sight. */
  group(name: string): LicenseGroup {
    const last = this.last;
    if (last !== undefined && last.name === name) return last;
    let group = this.groups.get(name);
    if (group === undefined) {
      group = new LicenseGroup(name);
      this.groups.set(name, group);
    }
    this.last = group;
    return group;
  }
}
