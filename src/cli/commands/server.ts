import type { Command } from "commander";
import {
  addConnectionOptions,
  fail,
  serverUrl,
  tlsOptions,
  type ConnectionFlags,
} from "./server-connection.js";
import { parseTotal, registerBackOfficeCommands } from "./server-offline.js";

interface AdminFlags extends ConnectionFlags {
  password?: string;
}

const PASSWORD_ENV = "LMKEEPER_SERVER_PASSWORD";
const NEW_PASSWORD_ENV = "LMKEEPER_SERVER_NEW_PASSWORD";

function adminPassword(flags: AdminFlags): string {
  const password = flags.password ?? process.env[PASSWORD_ENV];
  if (password === undefined)
    throw new Error(`the admin password is needed: set ${PASSWORD_ENV} (or pass -p)`);
  return password;
}

async function adminClient(flags: AdminFlags) {
  const { LicenseClient } = await import("../../server-core/client.js");
  return new LicenseClient({
    baseUrl: serverUrl(flags),
    adminPassword: adminPassword(flags),
    ...tlsOptions(flags),
  });
}

function adminCommand(parent: Command, name: string, description: string): Command {
  return addConnectionOptions(parent.command(name).description(description)).option(
    "-p, --password <password>",
    `admin password (prefer env ${PASSWORD_ENV}: flags end up in shell history)`,
  );
}

export function registerServerCommand(program: Command): void {
  const server = program
    .command("server")
    .description("run the lmkeeper license server, or administer a running one")
    .option("--config <file>", "server config (YAML)", "/etc/lmkeeper/server.yaml")
    .action(async (opts: { config: string }) => {
      const { runServer } = await import("../../server-core/run.js");
      try {
        await runServer(opts.config);
      } catch (error) {
        fail("server", error);
      }
    });

  adminCommand(
    server,
    "activate",
    "set the TOTAL number of licenses active under an activation code",
  )
    .requiredOption("-a, --activation-code <code>", "activation code")
    .requiredOption("-c, --count <n>", "total licenses to have active under the code", (text) => {
      if (!/^\d+$/.test(text)) throw new Error(`--count must be a whole number, not "${text}"`);
      return Number(text);
    })
    .action(async (opts: AdminFlags & { activationCode: string; count: number }) => {
      try {
        const client = await adminClient(opts);
        try {
          const result = await client.activate(opts.activationCode, opts.count);
          process.stdout.write(
            `Activation code ${result.code}: ${result.active} licenses active (was ${result.previous})\n`,
          );
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server activate", error);
      }
    });

  adminCommand(server, "return", "return every license activated under an activation code")
    .requiredOption("-a, --activation-code <code>", "activation code")
    .action(async (opts: AdminFlags & { activationCode: string }) => {
      try {
        const client = await adminClient(opts);
        try {
          const result = await client.returnActivation(opts.activationCode);
          process.stdout.write(
            `Activation code ${result.code}: ${result.returned} licenses returned\n`,
          );
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server return", error);
      }
    });

  adminCommand(
    server,
    "list-licenses",
    "show features, counts, use, expiry and the devices holding them",
  )
    .option("--json", "print JSON instead of the table")
    .action(async (opts: AdminFlags & { json?: boolean }) => {
      try {
        const client = await adminClient(opts);
        try {
          const list = await client.listLicenses();
          const { renderLicenseList } = await import("../../server-core/list-licenses.js");
          process.stdout.write(
            opts.json ? `${JSON.stringify(list, null, 2)}\n` : renderLicenseList(list),
          );
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server list-licenses", error);
      }
    });

  adminCommand(
    server,
    "set-password",
    "change the admin password (the default must be changed first)",
  )
    .option("-n, --new-password <password>", `new password (prefer env ${NEW_PASSWORD_ENV})`)
    .action(async (opts: AdminFlags & { newPassword?: string }) => {
      try {
        const next = opts.newPassword ?? process.env[NEW_PASSWORD_ENV];
        if (next === undefined)
          throw new Error(`the new password is needed: set ${NEW_PASSWORD_ENV} (or pass -n)`);
        const { passwordProblems } = await import("../../server-core/admin-auth.js");
        const problems = passwordProblems(next);
        if (problems.length > 0) throw new Error(`the new password ${problems.join("; ")}`);
        const client = await adminClient(opts);
        try {
          await client.setPassword(next);
          process.stdout.write("Admin password changed\n");
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server set-password", error);
      }
    });

  adminCommand(server, "offline-request", "write a capability request file for the back office")
    .requiredOption("-o, --output <file>", "request file to write")
    .option("--activate <CODE=N>", "activation total to ask for (repeatable)", parseTotal)
    .action(
      async (
        opts: AdminFlags & { output: string; activate?: Array<{ code: string; count: number }> },
      ) => {
        try {
          const client = await adminClient(opts);
          try {
            const request = await client.offlineRequest(opts.activate ?? []);
            const { writeFileSync } = await import("node:fs");
            writeFileSync(opts.output, `${JSON.stringify(request, null, 2)}\n`);
            process.stdout.write(`Wrote capability request ${opts.output}\n`);
          } finally {
            await client.close();
          }
        } catch (error) {
          fail("server offline-request", error);
        }
      },
    );

  adminCommand(server, "offline-import", "apply a signed capability response file (all or nothing)")
    .argument("<file>", "response file from the back office")
    .action(async (file: string, opts: AdminFlags) => {
      try {
        const { readFileSync } = await import("node:fs");
        let response: unknown;
        try {
          response = JSON.parse(readFileSync(file, "utf8"));
        } catch (error) {
          throw new Error(`${file}: not a capability response: ${(error as Error).message}`);
        }
        const client = await adminClient(opts);
        try {
          const result = await client.offlineImport(response);
          for (const change of result.changes)
            process.stdout.write(
              `Activation code ${change.code}: ${change.count} licenses active (was ${change.previous})\n`,
            );
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server offline-import", error);
      }
    });

  registerBackOfficeCommands(server, fail);

  adminCommand(
    server,
    "set-listen",
    "change the port and/or bind address (takes effect on restart)",
  )
    .option("--port <n>", "port to listen on", (text) => {
      if (!/^\d+$/.test(text)) throw new Error(`--port must be a whole number, not "${text}"`);
      return Number(text);
    })
    .option("--bind <address>", "address to bind")
    .action(async (opts: AdminFlags & { port?: number; bind?: string }) => {
      try {
        const client = await adminClient(opts);
        try {
          const result = await client.setListen({
            ...(opts.port !== undefined && { port: opts.port }),
            ...(opts.bind !== undefined && { bind: opts.bind }),
          });
          process.stdout.write(`${result.message}\n`);
        } finally {
          await client.close();
        }
      } catch (error) {
        fail("server set-listen", error);
      }
    });

  addConnectionOptions(
    server
      .command("support-bundle")
      .description(
        "write a .tar.gz of version, config (secrets redacted), logs and status for support",
      ),
  )
    .option(
      "-p, --password <password>",
      `admin password (env ${PASSWORD_ENV}); without it the license list is left out`,
    )
    .option("-o, --output-dir <dir>", "where the bundle goes (default: the temp directory)")
    .option("--config <file>", "server config (YAML; default /etc/lmkeeper/server.yaml)")
    .action(
      async (
        opts: ConnectionFlags & { config?: string; password?: string; outputDir?: string },
      ) => {
        try {
          const { writeSupportBundle } = await import("../../server-core/support-bundle.js");
          const url = opts.url ?? process.env["LMKEEPER_SERVER_URL"];
          const password = opts.password ?? process.env[PASSWORD_ENV];
          const path = await writeSupportBundle({
            // `server support-bundle --config F` or `server --config F support-bundle`
            configPath: opts.config ?? server.opts<{ config: string }>().config,
            ...(url !== undefined && { url }),
            ...(password !== undefined && password !== "" && { adminPassword: password }),
            ...(opts.outputDir !== undefined && { outputDir: opts.outputDir }),
            ...tlsOptions(opts),
          });
          process.stdout.write(`${path}\n`);
        } catch (error) {
          fail("server support-bundle", error);
        }
      },
    );
}
