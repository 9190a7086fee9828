/**
 * The agent config's `server:` section: lmkeeper's reference license server hosted in the
 * agent's own process, for sites without a vendor server (and for `lmkeeper demo`).
 *
 * House rule: the agent never imports server-core internals for its reconcile logic; it reads
 * license servers only through vendor tools. Hosting is not reconcile logic: it goes through
 * server-core's public start/stop entry (src/server-core/index.ts), loaded with a dynamic
 * import only when the section exists, so an agent without it never loads server code.
 */
import type { Logger } from "pino";

/** The section as written (same keys as `lmkeeper server`'s YAML), and where it came from. */
export interface HostedServerSection {
  settings: Record<string, unknown>;
  /** relative paths in the section (license files, database) resolve against this */
  baseDir: string;
  /** the agent config file, for error messages */
  source: string;
}

export interface HostedServer {
  url: string;
  port: number;
  /** stops serving and closes trusted storage (pending grants committed) */
  close(): Promise<void>;
}

/** The section is invalid, or a file it names cannot be used: the agent must not start. */
export class HostedServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostedServerConfigError";
  }
}

export async function startHostedServer(
  section: HostedServerSection,
  logger: Logger,
): Promise<HostedServer> {
  const { ConfigError, EntitlementsError, LicenseFileError, parseServerConfig, startServer } =
    await import("../server-core/index.js");
  let server;
  try {
    const config = parseServerConfig(
      section.settings,
      `server (${section.source})`,
      section.baseDir,
    );
    server = await startServer(config, { logger: logger.child({ component: "license-server" }) });
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof LicenseFileError ||
      error instanceof EntitlementsError
    ) {
      throw new HostedServerConfigError(error.message);
    }
    throw error;
  }
  logger.info({ url: server.url }, "hosting the reference license server (config section server:)");
  return { url: server.url, port: server.port, close: () => server.close() };
}
