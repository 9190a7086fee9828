import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { queryStatus, unreachableSnapshot } from "../../src/cli/status-client.js";
import { getParser, ServerError } from "../../src/parsers/index.js";
import { StatusFormatError } from "../../src/server-core/status/render.js";

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("queryStatus in the other vendors' formats", () => {
  it.each(["rlm", "lsdyna", "lmx", "olicense", "dsls"])(
    "%s: an unreachable server prints the tool's own down text, which its parser reports",
    async (format) => {
      const port = await closedPort();
      const output = await queryStatus({ licenseSpec: `${port}@127.0.0.1`, format });
      expect(output.exitCode).toBe(1);
      expect(() => getParser(format).parse(output.stdout)).toThrow(ServerError);
    },
  );

  it("names the last server of the spec it tried", async () => {
    const first = await closedPort();
    const second = await closedPort();
    const output = await queryStatus({
      licenseSpec: `${first}@127.0.0.1,${second}@localhost`,
      format: "rlm",
    });
    expect(output.stdout).toContain(`Connection attempted to host: "localhost" on port ${second}`);
  });

  it("refuses an unknown format before asking any server", async () => {
    await expect(queryStatus({ licenseSpec: "1@127.0.0.1", format: "sentinel" })).rejects.toThrow(
      StatusFormatError,
    );
  });

  it("refuses the XML form for a format other than lmx", async () => {
    await expect(
      queryStatus({ licenseSpec: "1@127.0.0.1", format: "rlm", xml: true }),
    ).rejects.toThrow("the XML form exists only for the lmx format, not rlm");
  });

  it("an unreachable snapshot is down and holds nothing", () => {
    const snapshot = unreachableSnapshot({ host: "lic9", port: 6200 }, new Date(0));
    expect(snapshot.server).toMatchObject({ host: "lic9", port: 6200, up: false });
    expect(snapshot.features).toEqual([]);
  });
});
