import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import {
  addConnectionOptions,
  fail,
  serverUrl,
  tlsOptions,
  type ConnectionFlags,
} from "./server-connection.js";

interface CheckoutFlags extends ConnectionFlags {
  minVersion: string;
  count: string;
  user?: string;
  host?: string;
  display?: string;
  deviceId?: string;
  state?: string;
  status?: boolean;
  graceDays: string;
}

/** Exit codes scripts can rely on. */
export const CHECKOUT_EXIT = { denied: 3, unreachable: 4, notValid: 5 } as const;

export function registerCheckoutCommand(program: Command): void {
  addConnectionOptions(
    program
      .command("checkout")
      .description(
        "check a license out of an lmkeeper license server (or, with --status, renew and report held ones)",
      )
      .argument("[feature]", "feature to check out")
      .argument("[command...]", "after --: run this command while holding the license"),
  )
    .option(
      "--min-version <version>",
      "lowest version acceptable (any pool with version ≥ this)",
      "0",
    )
    .option("--count <n>", "licenses wanted", "1")
    .option("--user <name>", "user (default: current user)")
    .option("--host <name>", "host (default: this host)")
    .option("--display <display>", "display (default: $DISPLAY or /dev/tty)")
    .option("--device-id <id>", "device id (default: the host)")
    .option("--state <file>", "where held leases are remembered (env LMKEEPER_LEASE_STATE)")
    .option(
      "--status",
      "renew every held lease and report whether it is valid, in grace or expired",
    )
    .option(
      "--grace-days <days>",
      "how long a held lease keeps working while the server is unreachable",
      "7",
    )
    .action(async (feature: string | undefined, command: string[], opts: CheckoutFlags) => {
      const { defaultStatePath } = await import("../../server-core/client-state.js");
      const { LicenseServerError, ServerUnreachableError } =
        await import("../../server-core/client.js");
      const session = await import("../../server-core/client-session.js");
      const statePath = opts.state ?? defaultStatePath();
      const client = tlsOptions(opts);
      try {
        const graceDays = Number(opts.graceDays);
        if (!(graceDays >= 0))
          throw new Error(`--grace-days must be a number of days, not "${opts.graceDays}"`);
        if (opts.status) {
          const reports = await session.refreshLeases(graceDays * 86_400_000, {
            statePath,
            client,
          });
          process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
          if (
            reports.some(
              (report) => report.standing.state === "expired" || report.standing.state === "lost",
            )
          ) {
            process.exitCode = CHECKOUT_EXIT.notValid;
          }
          return;
        }
        if (!feature) throw new Error("name the feature to check out (or use --status)");
        if (!/^\d+$/.test(opts.count))
          throw new Error(`--count must be a whole number, not "${opts.count}"`);
        const host = opts.host ?? hostname();
        const params = {
          feature,
          version: opts.minVersion,
          count: Number(opts.count),
          user: opts.user ?? userInfo().username,
          host,
          display: opts.display ?? process.env["DISPLAY"] ?? "/dev/tty",
          deviceId: opts.deviceId ?? host,
        };
        if (command.length > 0) {
          const { runHoldingLease } = await import("../../server-core/client-hold.js");
          process.exitCode = await runHoldingLease(serverUrl(opts), params, command, {
            statePath,
            client,
            graceMs: graceDays * 86_400_000,
            note: (message) => process.stderr.write(`lmkeeper checkout: ${message}\n`),
          });
          return;
        }
        const lease = await session.checkoutAndRemember(serverUrl(opts), params, {
          statePath,
          client,
        });
        process.stdout.write(`${JSON.stringify(lease, null, 2)}\n`);
      } catch (error) {
        if (error instanceof LicenseServerError) fail("checkout", error, CHECKOUT_EXIT.denied);
        else if (error instanceof ServerUnreachableError)
          fail("checkout", error, CHECKOUT_EXIT.unreachable);
        else fail("checkout", error);
      }
    });
}
