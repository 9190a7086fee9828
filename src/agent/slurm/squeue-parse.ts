import { ParseError } from "../../parsers/errors.js";
import { splitLines } from "../../parsers/text.js";
import { SlurmInputError } from "./errors.js";
import { parseLicenseRequests, type LicenseRequest } from "./licenses-env.js";

/**
 * The squeue format the parser reads: job id | user | state | reason | licenses. `%A` is the
 * job's own id, which is SLURM_JOB_ID in its prolog also for an element of a job array
 * (`%i` would print `123_4`, and bookings could never be matched to it).
 */
export const SQUEUE_FORMAT = "%A|%u|%T|%r|%W";

export interface SlurmJob {
  /** a string: array and het jobs print ids like "123_4" or "123+0" */
  jobId: string;
  user: string;
  state: string;
  reason: string;
  licenses: LicenseRequest[];
}

/** States in which Slurm counts a job's licenses as used. */
const HOLDING_STATES = new Set([
  "RUNNING",
  "CONFIGURING",
  "COMPLETING",
  "SUSPENDED",
  "STAGE_OUT",
  "SIGNALING",
]);

export function holdsLicenses(job: SlurmJob): boolean {
  return HOLDING_STATES.has(job.state.toUpperCase());
}

/** Parses `squeue --noheader --array --format='%A|%u|%T|%r|%W'`. */
export function parseJobs(output: string): SlurmJob[] {
  const jobs: SlurmJob[] = [];
  splitLines(output).forEach((line, index) => {
    if (line.trim() === "") return;
    const lineNumber = index + 1;
    const fields = line.split("|");
    if (fields.length !== 5) {
      throw new ParseError(
        `expected 5 "|"-separated fields (${SQUEUE_FORMAT}), got ${fields.length}`,
        lineNumber,
        line,
      );
    }
    const [jobId, user, state, reason, licenses] = fields.map((field) => field.trim()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^\d+([_+][\w[\]-]+)?$/.test(jobId))
      throw new ParseError(`job id "${jobId}" is not a Slurm job id`, lineNumber, line);
    if (state === "") throw new ParseError("empty job state", lineNumber, line);
    let requests: LicenseRequest[];
    try {
      requests = parseLicenseRequests(licenses, "squeue licenses");
    } catch (error) {
      if (error instanceof SlurmInputError) throw new ParseError(error.message, lineNumber, line);
      throw error;
    }
    jobs.push({ jobId, user, state, reason, licenses: requests });
  });
  return jobs;
}
