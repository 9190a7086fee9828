import type { Command } from "commander";
import {
  addConnectionOptions,
  fail,
  tlsOptions,
  type ConnectionFlags,
} from "./server-connection.js";

export function registerCheckinCommand(program: Command): void {
  addConnectionOptions(
    program
      .command("checkin")
      .description("check held licenses back in (all, or one lease id or feature)")
      .argument("[lease-or-feature]", "lease id or feature name; all held leases when omitted"),
  )
    .option("--state <file>", "where held leases are remembered (env LMKEEPER_LEASE_STATE)")
    .action(async (selector: string | undefined, opts: ConnectionFlags & { state?: string }) => {
      const { defaultStatePath } = await import("../../server-core/client-state.js");
      const { checkinRemembered } = await import("../../server-core/client-session.js");
      try {
        const released = await checkinRemembered(selector, {
          statePath: opts.state ?? defaultStatePath(),
          client: tlsOptions(opts),
        });
        if (selector !== undefined && released.length === 0)
          throw new Error(`no held lease matches "${selector}"`);
        process.stdout.write(`${JSON.stringify(released, null, 2)}\n`);
      } catch (error) {
        fail("checkin", error);
      }
    });
}
