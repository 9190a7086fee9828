/**
 * Picks the status renderer for a vendor tool's format. Each renderer is a pure function of a
 * snapshot; an unknown format is a clear error, never an empty or wrong output.
 */
import { renderDslsStatus } from "./dsls.js";
import { renderLmstat } from "./flexlm.js";
import { renderLmxStatus } from "./lmx.js";
import { renderLsdynaStatus } from "./lsdyna.js";
import { renderOlicenseStatus } from "./olicense.js";
import { renderRlmStatus } from "./rlm.js";
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
  /** LM-X only: `lmxendutil -licstatxml` instead of `-licstat` */
  xml?: boolean;
}

export type StatusRenderer = (snapshot: StatusSnapshot, opts: RenderStatusOptions) => string;

const RENDERERS: Record<StatusFormat, StatusRenderer> = {
  flexlm: renderLmstat,
  rlm: (snapshot, opts) => renderRlmStatus(onlyFeatures(snapshot, opts.features)),
  lsdyna: (snapshot, opts) => renderLsdynaStatus(onlyFeatures(snapshot, opts.features)),
  lmx: (snapshot, opts) =>
    renderLmxStatus(onlyFeatures(snapshot, opts.features), opts.xml ? { xml: true } : {}),
  olicense: renderOlicenseStatus,
  dsls: renderDslsStatus,
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
  return RENDERERS[format](snapshot, opts);
}

/** The snapshot narrowed to the named features (case-insensitive), for renderers without a filter. */
function onlyFeatures(snapshot: StatusSnapshot, features: string[] | undefined): StatusSnapshot {
  if (!features || features.length === 0) return snapshot;
  const wanted = new Set(features.map((name) => name.toLowerCase()));
  return {
    ...snapshot,
    features: snapshot.features.filter((feature) => wanted.has(feature.name.toLowerCase())),
  };
}
