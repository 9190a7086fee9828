/** Input from Slurm (an environment variable, a hostlist, a license spec) that we cannot read. */
export class SlurmInputError extends Error {
  /** which input was bad, e.g. "SLURM_JOB_LICENSES" */
  readonly field: string;
  readonly value: string;

  constructor(field: string, value: string, reason: string) {
    super(`${field}=${JSON.stringify(value)}: ${reason}`);
    this.name = "SlurmInputError";
    this.field = field;
    this.value = value;
  }
}

/** A Slurm command failed, timed out or could not be started. */
export class SlurmCommandError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(
    argv: readonly string[],
    details: { exitCode?: number; stderr: string; timedOut?: boolean; reason?: string },
  ) {
    const command = argv.join(" ");
    const why = details.timedOut
      ? "timed out"
      : (details.reason ?? `exited with status ${details.exitCode ?? "unknown"}`);
    const stderr = details.stderr.trim();
    super(`${command}: ${why}${stderr ? `: ${stderr}` : ""}`);
    this.name = "SlurmCommandError";
    this.argv = argv;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
    this.timedOut = details.timedOut ?? false;
  }
}
