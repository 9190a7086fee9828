import { pino, type DestinationStream, type Logger } from "pino";

/** Paths pino blanks out wherever they appear in a log record. */
export const REDACTED_PATHS = [
  "clientSecret",
  "client_secret",
  "*.clientSecret",
  "*.client_secret",
  "*.*.clientSecret",
  "*.*.client_secret",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "access_token",
  "*.access_token",
];

export async function createAgentLogger(options: {
  level: string;
  pretty: boolean;
  /** stdout unless given */
  destination?: DestinationStream;
}): Promise<Logger> {
  const base = {
    level: options.level,
    base: { component: "agent" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  if (!options.pretty) return options.destination ? pino(base, options.destination) : pino(base);
  const { default: pretty } = await import("pino-pretty");
  return pino(
    base,
    pretty({
      colorize: !options.destination && process.stdout.isTTY,
      sync: true,
      ...(options.destination ? { destination: options.destination } : {}),
    }),
  );
}
