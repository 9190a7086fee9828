import type { Command } from "commander";

interface LmstatFlags {
  a?: boolean;
  A?: boolean;
  c?: string;
  f?: string | boolean;
  S?: string | boolean;
  s?: string | boolean;
  i?: string | boolean;
  t?: string;
  scheme?: string;
}

interface StatusFlags {
  format: string;
  c?: string;
  f?: string;
  t?: string;
  scheme?: string;
  xml?: boolean;
}

function licenseSpecFrom(flag: string | undefined): string | undefined {
  return flag ?? process.env.LM_LICENSE_FILE ?? process.env.LMKEEPER_LICENSE_SPEC;
}

function timeoutFrom(flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined;
  const seconds = Number(flag);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`-t ${flag}: the timeout must be a positive number of seconds`);
  }
  return seconds * 1000;
}

function schemeFrom(flag: string | undefined): "http" | "https" {
  const scheme = flag ?? process.env.LMKEEPER_STATUS_SCHEME ?? "http";
  if (scheme !== "http" && scheme !== "https") {
    throw new Error(`--scheme ${scheme}: use http or https`);
  }
  return scheme;
}

interface RunOptions {
  command: string;
  format: string;
  spec: string | undefined;
  features: string[] | undefined;
  vendor?: string;
  timeout: string | undefined;
  scheme: string | undefined;
  xml?: boolean;
}

async function run({
  command,
  format,
  spec,
  features,
  vendor,
  timeout,
  scheme,
  xml,
}: RunOptions): Promise<void> {
  try {
    if (spec === undefined) {
      throw new Error("no license server: give -c PORT@HOST (or set LM_LICENSE_FILE)");
    }
    const { queryStatus } = await import("../status-client.js");
    const timeoutMs = timeoutFrom(timeout);
    const output = await queryStatus({
      licenseSpec: spec,
      format,
      scheme: schemeFrom(scheme),
      ...(features ? { features } : {}),
      ...(vendor !== undefined ? { vendor } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(xml ? { xml } : {}),
    });
    process.stdout.write(output.stdout);
    process.exitCode = output.exitCode;
  } catch (error) {
    process.stderr.write(`lmkeeper ${command}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

/** `lmkeeper lmstat` (lmutil's flags) and `lmkeeper status --format F`. */
export function registerStatusCommands(program: Command): void {
  program
    .command("lmstat")
    .description("print an lmkeeper license server's state as `lmutil lmstat` does")
    .option("-a", "all information (the default)")
    .option("-A", "all active licenses (same as -a here)")
    .option("-c <license_spec>", "PORT@HOST, @HOST, or a comma/colon list tried in order")
    .option("-f [feature]", "only this feature")
    .option("-S [vendor]", "only this vendor daemon's features")
    .option("-s [server]", "server status (always printed)")
    .option("-i [feature]", "license file expiry table (not served by lmkeeper)")
    .option("-t <seconds>", "give up on a server after this long")
    .option("--scheme <scheme>", "http or https (default: LMKEEPER_STATUS_SCHEME or http)")
    .action(async (flags: LmstatFlags) => {
      if (flags.i !== undefined) {
        process.stderr.write("lmkeeper lmstat: -i (the license file table) is not supported\n");
        process.exitCode = 2;
        return;
      }
      await run({
        command: "lmstat",
        format: "flexlm",
        spec: licenseSpecFrom(flags.c),
        features: typeof flags.f === "string" ? [flags.f] : undefined,
        ...(typeof flags.S === "string" ? { vendor: flags.S } : {}),
        timeout: flags.t,
        scheme: flags.scheme,
      });
    });

  program
    .command("status")
    .description("print an lmkeeper license server's state in a vendor tool's format")
    .requiredOption("--format <format>", "flexlm, rlm, lsdyna, lmx, olicense or dsls")
    .option("-c <license_spec>", "PORT@HOST, or a comma list tried in order")
    .option("-f <feature>", "only this feature")
    .option("-t <seconds>", "give up on a server after this long")
    .option("--scheme <scheme>", "http or https (default: LMKEEPER_STATUS_SCHEME or http)")
    .option("--xml", "lmx only: print `lmxendutil -licstatxml` instead of `-licstat`")
    .action(async (flags: StatusFlags) => {
      await run({
        command: "status",
        format: flags.format,
        spec: licenseSpecFrom(flags.c),
        features: flags.f === undefined ? undefined : [flags.f],
        timeout: flags.t,
        scheme: flags.scheme,
        ...(flags.xml ? { xml: true } : {}),
      });
    });
}
