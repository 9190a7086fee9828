import { spawn } from "node:child_process";
import { constants } from "node:os";
import { LicenseServerError, ServerUnreachableError, type CheckoutParams } from "./client.js";
import { checkinRemembered, checkoutAndRemember, type SessionOptions } from "./client-session.js";
import { leaseClientFor } from "./failover/client.js";

export interface HoldOptions extends SessionOptions {
  graceMs: number;
  /** where progress notes go (stderr in the CLI) */
  note?: (message: string) => void;
}

/**
 * Checks a license out, runs a command while heart-beating the lease (a third of the lease
 * period apart), checks it in when the command ends and returns the command's exit code.
 * While the server is unreachable the command keeps running through the grace period.
 */
export async function runHoldingLease(
  server: string,
  params: CheckoutParams,
  argv: string[],
  options: HoldOptions,
): Promise<number> {
  const [command, ...args] = argv;
  if (!command) throw new Error("no command to run");
  const now = options.now ?? Date.now;
  const note = options.note ?? (() => undefined);
  const lease = await checkoutAndRemember(server, params, options);
  const periodMs = Date.parse(lease.expiresAt) - Date.parse(lease.lastSeenAt);
  const client = leaseClientFor(server, options.client);
  let unreachableSince: number | undefined;

  const beat = async () => {
    try {
      await client.heartbeat(lease.id);
      if (unreachableSince !== undefined)
        note(`license server ${server} is back; lease ${lease.id} renewed`);
      unreachableSince = undefined;
    } catch (error) {
      if (error instanceof ServerUnreachableError) {
        unreachableSince ??= now();
        const left = unreachableSince + options.graceMs - now();
        note(
          left > 0
            ? `license server unreachable; running in grace period (${Math.ceil(left / 3_600_000)} h left)`
            : "license server unreachable and the grace period is over",
        );
      } else if (error instanceof LicenseServerError) {
        note(`lease ${lease.id} is no longer valid: ${error.message}`);
      } else {
        note(`heartbeat failed: ${(error as Error).message}`);
      }
    }
  };
  const timer = setInterval(() => void beat(), Math.max(1000, Math.floor(periodMs / 3)));

  const child = spawn(command, args, { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGTERM", forward);
  process.on("SIGINT", forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) =>
        resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)),
      );
    });
  } finally {
    clearInterval(timer);
    process.off("SIGTERM", forward);
    process.off("SIGINT", forward);
    await client.close();
    try {
      await checkinRemembered(lease.id, options);
    } catch (error) {
      note(`could not check lease ${lease.id} in: ${(error as Error).message}`);
    }
  }
}
