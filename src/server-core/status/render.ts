/**
 * Picks the status renderer for a vendor tool's format. Each renderer is a pure function of a
 * snapshot; a format whose renderer is not part of this build is a clear error, never an
 * empty or wrong output.
 */
import { renderLmstat } from "./flexlm.js";
import type { StatusSnapshot } from "./snapshot.js";

export const STATUS_FORMATS = ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

export interface RenderStatusOptions {
  /** restrict the output to these features, where the format can */
  features?: string[];
  /** the time printed in the output's banner */
  now?: Date;
  /** how the client named the server (`27000@lic1`), where the format prints it */
  licenseSpec?: string;
}

export type StatusRenderer = (snapshot: StatusSnapshot, opts: RenderStatusOptions) => string;

const RENDERERS: Partial<Record<StatusFormat, StatusRenderer>> = {
  flexlm: renderLmstat,
};

export class StatusFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatusFormatError";
  }
}

export function isStatusFormat(value: string): value is StatusFormat {
  return (STATUS_FORMATS as readonly string[]).includes(value);
}

/** The formats this build can print. */
export function availableStatusFormats(): StatusFormat[] {
  return STATUS_FORMATS.filter((format) => RENDERERS[format] !== undefined);
}

export function renderStatus(
  format: StatusFormat | string,
  snapshot: StatusSnapshot,
  opts: RenderStatusOptions = {},
): string {
  if (!isStatusFormat(format)) {
    throw new StatusFormatError(
      `unknown status format "${format}" (known: ${STATUS_FORMATS.join(", ")})`,
    );
  }
  const renderer = RENDERERS[format];
  if (!renderer) {
    throw new StatusFormatError(
      `the ${format} status renderer is not available in this build (available: ${availableStatusFormats().join(", ")})`,
    );
  }
  return renderer(snapshot, opts);
}
