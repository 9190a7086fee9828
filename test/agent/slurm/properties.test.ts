import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandHostlist, firstHost } from "../../../src/agent/slurm/hostlist.js";
import { parseLicenseRequests } from "../../../src/agent/slurm/licenses-env.js";
import { planReconcile } from "../../../src/agent/slurm/reconcile-plan.js";
import { parseSlurmVersion } from "../../../src/agent/slurm/scontrol-parse.js";

const prefix = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const range = fc
  .record({
    start: fc.integer({ min: 0, max: 50 }),
    length: fc.integer({ min: 0, max: 5 }),
    width: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ start, length, width }) => ({ start, end: start + length, width }));
const pad = (value: number, width: number) => String(value).padStart(width, "0");

describe("properties", () => {
  it("a hostlist's first host is the first of its expansion, and the expansion has the expected size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(prefix, fc.array(range, { minLength: 1, maxLength: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (items) => {
          const expression = items
            .map(
              ([name, ranges]) =>
                `${name}[${ranges.map((r) => (r.start === r.end ? pad(r.start, r.width) : `${pad(r.start, r.width)}-${pad(r.end, r.width)}`)).join(",")}]`,
            )
            .join(",");
          const hosts = expandHostlist(expression);
          const expected = items.reduce(
            (sum, [, ranges]) => sum + ranges.reduce((count, r) => count + r.end - r.start + 1, 0),
            0,
          );
          expect(hosts).toHaveLength(expected);
          expect(firstHost(expression)).toBe(hosts[0]);
        },
      ),
    );
  });

  it("license request strings round-trip whatever the separators", () => {
    const entry = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9_]{0,5}\.[a-z][a-z0-9_.]{0,5}$/),
      server: fc.constantFrom("flexlm", "rlm", "lsdyna"),
      count: fc.integer({ min: 1, max: 999 }),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(",", ";", "|"),
        (entries, separator) => {
          const text = entries.map((e) => `${e.name}@${e.server}:${e.count}`).join(separator);
          expect(parseLicenseRequests(text)).toEqual(entries);
        },
      ),
    );
  });

  it("the block always stays within [0, total]", () => {
    const version = parseSlurmVersion("slurm-wlm 22.05.8");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 50 }),
        (total, used, slurmUsed, booked) => {
          const plan = planReconcile(
            [{ productName: "p", featureName: "f", type: "flexlm", total, used, uses: [] }],
            [
              {
                slurmJobId: "1",
                username: "u",
                leadHost: "h",
                productName: "p",
                featureName: "f",
                quantity: booked,
              },
            ],
            {
              version,
              resources: [],
              licenses: [
                {
                  name: "p.f@flexlm",
                  total,
                  used: slurmUsed,
                  reserved: 0,
                  remote: true,
                  fields: {},
                },
              ],
              jobs: [{ jobId: "1", user: "u", state: "RUNNING", reason: "None", licenses: [] }],
              reservation: undefined,
            },
            { cluster: "c", reservationName: "r", reservationUser: "root", reservationMinutes: 30 },
          );
          const blocked = plan.features[0]!.blocked;
          expect(blocked).toBe(Math.max(0, Math.min(total, used - slurmUsed + booked)));
        },
      ),
    );
  });
});
