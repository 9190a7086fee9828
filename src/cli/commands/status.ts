import type { Command } from "commander";

interface LmstatFlags {
  a?: boolean;
  c?: string;
  f?: string | boolean;
  t?: string;
  scheme?: string;
}

interface StatusFlags {
  format: string;
  c?: string;
  f?: string;
  t?: string;
  scheme?: string;
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

async function run(
  command: string,
  format: string,
  spec: string | undefined,
  features: string[] | undefined,
  timeout: string | undefined,
  scheme: string | undefined,
): Promise<void> {
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
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
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
    .option("-c <license_spec>", "PORT@HOST, @HOST, or a comma/colon list tried in order")
    .option("-f [feature]", "only this feature")
    .option("-t <seconds>", "give up on a server after this long")
    .option("--scheme <scheme>", "http or https (default: LMKEEPER_STATUS_SCHEME or http)")
    .action(async (flags: LmstatFlags) => {
      const features = typeof flags.f === "string" ? [flags.f] : undefined;
      await run("lmstat", "flexlm", licenseSpecFrom(flags.c), features, flags.t, flags.scheme);
    });

  program
    .command("status")
    .description("print an lmkeeper license server's state in a vendor tool's format")
    .requiredOption("--format <format>", "flexlm, rlm, lsdyna, lmx, olicense or dsls")
    .option("-c <license_spec>", "PORT@HOST, or a comma list tried in order")
    .option("-f <feature>", "only this feature")
    .option("-t <seconds>", "give up on a server after this long")
    .option("--scheme <scheme>", "http or https (default: LMKEEPER_STATUS_SCHEME or http)")
    .action(async (flags: StatusFlags) => {
      const features = flags.f === undefined ? undefined : [flags.f];
      await run("status", flags.format, licenseSpecFrom(flags.c), features, flags.t, flags.scheme);
    });
}
