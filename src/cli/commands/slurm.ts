import type { Command } from "commander";

/** `lmkeeper slurm prolog|epilog`: the PrologSlurmctld / EpilogSlurmctld hooks. */
export function registerSlurmCommand(program: Command): void {
  const slurm = program
    .command("slurm")
    .description("Slurm integration: slurmctld prolog and epilog hooks");
  for (const kind of ["prolog", "epilog"] as const) {
    slurm
      .command(kind)
      .description(
        kind === "prolog"
          ? "PrologSlurmctld: book the job's tracked licenses in the API (non-zero exit requeues the job)"
          : "EpilogSlurmctld: delete the job and its bookings from the API",
      )
      .option(
        "-c, --config <file>",
        "agent config YAML (default: $LMKEEPER_CONFIG or /etc/lmkeeper/agent.yaml)",
      )
      .action(async (opts: { config?: string }) => {
        const { runHook } = await import("../../agent/slurm/hook-main.js");
        const exitCode = await runHook(
          kind,
          opts.config === undefined ? {} : { configPath: opts.config },
        );
        // exit now: idle keep-alive sockets must not hold slurmctld's hook open
        process.exit(exitCode);
      });
  }
}
