import type { Command } from "commander";

/** `CODE=N` pairs of --set / --activate. */
export function parseTotal(
  text: string,
  previous: Array<{ code: string; count: number }> = [],
): Array<{ code: string; count: number }> {
  const match = /^([A-Za-z0-9][A-Za-z0-9-]*)=(\d+)$/.exec(text);
  if (!match?.[1] || match[2] === undefined)
    throw new Error(`"${text}" is not CODE=COUNT (an activation code and a whole number)`);
  return [...previous, { code: match[1], count: Number(match[2]) }];
}

/** The back office's side of offline updates: its key pair and signed responses. */
export function registerBackOfficeCommands(
  server: Command,
  fail: (name: string, error: unknown) => void,
): void {
  server
    .command("offline-keygen")
    .description("create the back office's Ed25519 key pair for signing offline responses")
    .requiredOption("--out <prefix>", "writes PREFIX.key (private, mode 0600) and PREFIX.pub")
    .action(async (opts: { out: string }) => {
      try {
        const { writeFileSync } = await import("node:fs");
        const { generateBackOfficeKeys } = await import("../../server-core/offline/keys.js");
        const keys = generateBackOfficeKeys();
        writeFileSync(`${opts.out}.key`, keys.privateKeyPem, { mode: 0o600, flag: "wx" });
        writeFileSync(`${opts.out}.pub`, keys.publicKeyPem, { flag: "wx" });
        process.stdout.write(`Wrote ${opts.out}.key (keep it secret) and ${opts.out}.pub\n`);
      } catch (error) {
        fail("server offline-keygen", error);
      }
    });

  server
    .command("offline-respond")
    .description("(back office) answer a capability request file with a signed response file")
    .requiredOption("--key <file>", "the back office's private key (PEM)")
    .requiredOption("--request <file>", "capability request file from the server")
    .requiredOption("-o, --output <file>", "response file to write")
    .option(
      "--set <CODE=N>",
      "activation total to grant (repeatable; default: what the request asks for)",
      parseTotal,
    )
    .action(
      async (opts: {
        key: string;
        request: string;
        output: string;
        set?: Array<{ code: string; count: number }>;
      }) => {
        try {
          const { readFileSync, writeFileSync } = await import("node:fs");
          const { readPrivateKey } = await import("../../server-core/offline/keys.js");
          const { capabilityRequestSchema, signCapabilityResponse } =
            await import("../../server-core/offline/capability.js");
          const parsed = capabilityRequestSchema.safeParse(
            JSON.parse(readFileSync(opts.request, "utf8")),
          );
          if (!parsed.success)
            throw new Error(`${opts.request}: not a capability request: ${parsed.error.message}`);
          const totals = opts.set ?? parsed.data.desired;
          const response = signCapabilityResponse(
            parsed.data,
            totals,
            readPrivateKey(opts.key),
            Date.now(),
          );
          writeFileSync(opts.output, `${JSON.stringify(response, null, 2)}\n`);
          process.stdout.write(
            `Wrote ${opts.output} for server ${parsed.data.serverId}: ${totals.map((t) => `${t.code}=${t.count}`).join(", ") || "no changes"}\n`,
          );
        } catch (error) {
          fail("server offline-respond", error);
        }
      },
    );
}
