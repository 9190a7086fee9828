import { pino } from "pino";
import { loadServerConfig } from "./config.js";
import { startServer } from "./server.js";

/** `lmkeeper server`: runs until SIGTERM/SIGINT, then closes cleanly (pending writes committed). */
export async function runServer(configPath: string): Promise<void> {
  const config = loadServerConfig(configPath);
  const logger = pino({ level: config.logLevel });
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
