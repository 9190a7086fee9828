import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino, type Logger } from "pino";
import { loadServerConfig } from "./config.js";
import { startServer } from "./server.js";

/** `lmkeeper server`: runs until SIGTERM/SIGINT, then closes cleanly (pending writes committed). */
export async function runServer(configPath: string): Promise<void> {
  const config = loadServerConfig(configPath);
  const logger = serverLogger(config.logLevel, config.logFile);
  const server = await startServer(config, { logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping license server");
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  await server.close();
  logger.info("license server stopped");
}

/** JSON log lines to stdout, and also to `logFile` when the config names one. */
function serverLogger(level: string, logFile: string | undefined): Logger {
  if (logFile === undefined) return pino({ level });
  mkdirSync(dirname(logFile), { recursive: true });
  return pino(
    { level },
    pino.multistream([
      { level: "trace", stream: process.stdout },
      { level: "trace", stream: pino.destination({ dest: logFile, append: true, sync: true }) },
    ]),
  );
}
