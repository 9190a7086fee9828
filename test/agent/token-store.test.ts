import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ClientCredentialsTokenProvider, type FetchLike } from "../../src/agent/token.js";
import { FileTokenStore } from "../../src/agent/token-store.js";

// The Slurm hooks run once per job: a token kept in a file spares the identity provider.
const dir = mkdtempSync(join(tmpdir(), "lmk-token-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oidc = { tokenUrl: "http://idp.test/token", clientId: "alpha", clientSecret: "s" };

/** A token endpoint answering t1, t2, … valid for 300 s, and a clock the test moves. */
function endpoint() {
  let issued = 0;
  const clock = { now: 1_000_000 };
  const fetch: FetchLike = async () => {
    issued += 1;
    return new Response(JSON.stringify({ access_token: `t${issued}`, expires_in: 300 }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  const provider = (path: string) =>
    new ClientCredentialsTokenProvider(oidc, {
      fetch,
      now: () => clock.now,
      refreshMarginMs: 30_000,
      store: new FileTokenStore(path),
    });
  return { provider, clock, issued: () => issued };
}

describe("a token kept in a file between processes", () => {
  it("is reused by the next process until shortly before it expires, then replaced", async () => {
    const path = join(dir, "reuse.json");
    const idp = endpoint();
    expect(await idp.provider(path).getToken()).toBe("t1");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ token: "t1", refreshAt: 1_270_000 });

    idp.clock.now += 269_000; // a later hook run, still inside the token's life
    expect(await idp.provider(path).getToken()).toBe("t1");
    expect(idp.issued()).toBe(1);

    idp.clock.now += 1_000; // 30 s before expiry: a new one
    expect(await idp.provider(path).getToken()).toBe("t2");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ token: "t2", refreshAt: 1_540_000 });
  });

  it("drops the file when the API rejects the token", async () => {
    const path = join(dir, "invalidate.json");
    const idp = endpoint();
    const provider = idp.provider(path);
    await provider.getToken();
    provider.invalidate();
    expect(() => statSync(path)).toThrow(/ENOENT/);
    expect(await idp.provider(path).getToken()).toBe("t2");
  });

  it("treats a damaged or foreign file as no token", async () => {
    const idp = endpoint();
    for (const [name, content] of [
      ["garbage.json", "{not json"],
      ["shape.json", JSON.stringify({ token: "", refreshAt: 9e15 })],
      ["types.json", JSON.stringify({ token: "x", refreshAt: "later" })],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      expect(await idp.provider(path).getToken()).toMatch(/^t\d$/);
    }
    expect(idp.issued()).toBe(3);
  });

  it("still works when the file cannot be written", async () => {
    const idp = endpoint();
    const path = join(dir, "no-such-dir", "token.json");
    expect(await idp.provider(path).getToken()).toBe("t1");
    expect(await idp.provider(path).getToken()).toBe("t2");
  });
});
