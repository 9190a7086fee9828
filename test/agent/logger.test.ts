import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createAgentLogger } from "../../src/agent/logger.js";

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const config = {
  api: { url: "http://127.0.0.1:1" },
  oidc: { tokenUrl: "http://127.0.0.1:1/token", clientId: "alpha", clientSecret: "do-not-print" },
};

describe("agent logger", () => {
  it("redacts the client secret and bearer tokens in JSON logs", async () => {
    const out = sink();
    const logger = await createAgentLogger({
      level: "debug",
      pretty: false,
      destination: out.stream,
    });
    logger.debug({ config }, "configuration loaded");
    logger.info(
      { request: { headers: { authorization: "Bearer abc.def" } }, access_token: "abc.def" },
      "call",
    );
    const [first, second] = out
      .text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({
      msg: "configuration loaded",
      config: { oidc: { clientId: "alpha", clientSecret: "[redacted]" } },
    });
    expect(second).toMatchObject({
      request: { headers: { authorization: "[redacted]" } },
      access_token: "[redacted]",
    });
    expect(out.text()).not.toContain("do-not-print");
    expect(out.text()).not.toContain("abc.def");
  });

  it("redacts in pretty output too", async () => {
    const out = sink();
    const logger = await createAgentLogger({
      level: "info",
      pretty: true,
      destination: out.stream,
    });
    logger.info({ config }, "configuration loaded");
    expect(out.text()).toContain("configuration loaded");
    expect(out.text()).toContain("[redacted]");
    expect(out.text()).not.toContain("do-not-print");
  });
});
