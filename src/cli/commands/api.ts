import type { Command } from "commander";

export function registerApiCommand(program: Command): void {
  program
    .command("api")
    .description("run the License Manager API (REST, under /lm)")
    .option(
      "-c, --config <file>",
      "YAML configuration (default /etc/lmkeeper/api.yaml when present)",
    )
    .option("--pretty", "human-readable logs instead of JSON")
    .action(async (opts: { config?: string; pretty?: boolean }) => {
      const { ApiConfigError, loadApiConfig } = await import("../../api/config.js");
      let config;
      try {
        config = loadApiConfig(opts.config === undefined ? {} : { file: opts.config });
      } catch (error) {
        if (error instanceof ApiConfigError) {
          process.stderr.write(`lmkeeper api: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
      const { startApiServer } = await import("../../api/serve.js");
      let server;
      try {
        server = await startApiServer(config, { pretty: opts.pretty ?? false });
      } catch (error) {
        process.stderr.write(`lmkeeper api: cannot start: ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      server.app.log.info({ url: server.url }, "License Manager API listening");
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        server.app.log.info({ signal }, "shutting down");
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`lmkeeper api: error while closing: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
