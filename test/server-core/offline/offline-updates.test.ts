import { createPrivateKey, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import {
  signCapabilityResponse,
  type CapabilityRequest,
} from "../../../src/server-core/offline/capability.js";
import { generateBackOfficeKeys } from "../../../src/server-core/offline/keys.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, basic, startTestServer, tempDir } from "../helpers.js";

const PASSWORD = "Lic3nse-Admin";
const SOLVER_CODE = "9876-WXYZ-0000-1111";
const SESSION_CODE = "1234-ABCD-EF12-5678";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let backOffice: KeyObject;

beforeEach(async () => {
  dir = tempDir();
  const keys = generateBackOfficeKeys();
  backOffice = createPrivateKey(keys.privateKeyPem);
  const publicKeyFile = join(dir.path, "backoffice.pub");
  writeFileSync(publicKeyFile, keys.publicKeyPem);
  ({ server } = await startTestServer(dir.path, { offline: { public_key_file: publicKeyFile } }));
  const changed = await api(
    server,
    "PUT",
    "/api/1.0/admin/password",
    { newPassword: PASSWORD },
    { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
  );
  expect(changed.status).toBe(200);
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const admin = (method: string, path: string, body?: unknown) =>
  api(server, method, `/api/1.0/admin${path}`, body, { authorization: basic(PASSWORD) });

async function capabilityRequest(desired: unknown[] = []): Promise<CapabilityRequest> {
  const response = await admin("POST", "/offline/request", { desired });
  expect(response.status).toBe(200);
  return response.body as CapabilityRequest;
}

/** code → active total, as list-licenses reports it through the served pools */
function activeTotals(): Record<string, number> {
  return Object.fromEntries(
    server.service.entitlements.map((entry) => [
      entry.code,
      server.service.activatedCount(entry.code),
    ]),
  );
}

describe("offline capability exchange", () => {
  it("writes a request naming this server, then applies the signed response", async () => {
    const request = await capabilityRequest([{ code: SOLVER_CODE, count: 12 }]);
    expect(request).toMatchObject({
      format: "lmkeeper-capability-request",
      version: 1,
      hostname: "lic1",
      activations: [],
      desired: [{ code: SOLVER_CODE, count: 12 }],
    });
    expect(request.serverId).toMatch(/^[0-9a-f-]{36}$/);

    const response = signCapabilityResponse(
      request,
      [
        { code: SOLVER_CODE, count: 12 },
        { code: SESSION_CODE, count: 5 },
      ],
      backOffice,
      Date.UTC(2026, 10, 23),
    );
    const imported = await admin("POST", "/offline/response", response);
    expect(imported).toEqual({
      status: 200,
      body: {
        imported: request.requestId,
        changes: [
          { code: SOLVER_CODE, count: 12, previous: 0 },
          { code: SESSION_CODE, count: 5, previous: 0 },
        ],
      },
    });
    expect(activeTotals()).toEqual({ [SESSION_CODE]: 5, [SOLVER_CODE]: 12 });
    const pool = server.service.pools().find((entry) => entry.id === `act:${SOLVER_CODE}`);
    expect(pool?.count).toBe(12);

    // the next request reports what is active now
    expect((await capabilityRequest()).activations).toEqual([
      { code: SESSION_CODE, count: 5 },
      { code: SOLVER_CODE, count: 12 },
    ]);

    // the same response again is refused
    const replay = await admin("POST", "/offline/response", response);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe("OFFLINE_RESPONSE_ALREADY_USED");
  });

  it("rejects a corrupted response and changes nothing", async () => {
    const request = await capabilityRequest();
    const response = signCapabilityResponse(
      request,
      [{ code: SOLVER_CODE, count: 3 }],
      backOffice,
      0,
    );
    const payload = Buffer.from(response.payload, "base64");
    payload[payload.indexOf("3".charCodeAt(0), payload.indexOf("count"))] = "9".charCodeAt(0);
    const altered = { ...response, payload: payload.toString("base64") };
    const refused = await admin("POST", "/offline/response", altered);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("OFFLINE_RESPONSE_BAD_SIGNATURE");

    const truncated = await admin("POST", "/offline/response", { format: response.format });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.code).toBe("OFFLINE_RESPONSE_CORRUPT");
    expect(truncated.body.error.message).toMatch(/payload/);
    expect(activeTotals()).toEqual({ [SESSION_CODE]: 0, [SOLVER_CODE]: 0 });

    // the untouched original still applies: the request was not used up by the failures
    expect((await admin("POST", "/offline/response", response)).status).toBe(200);
    expect(activeTotals()[SOLVER_CODE]).toBe(3);
  });

  it("rejects foreign responses: another back office, another server, an unknown request", async () => {
    const request = await capabilityRequest();
    const otherOffice = createPrivateKey(generateBackOfficeKeys().privateKeyPem);
    const wrongKey = await admin(
      "POST",
      "/offline/response",
      signCapabilityResponse(request, [{ code: SOLVER_CODE, count: 3 }], otherOffice, 0),
    );
    expect(wrongKey.body.error.code).toBe("OFFLINE_RESPONSE_BAD_SIGNATURE");

    const otherServer = await admin(
      "POST",
      "/offline/response",
      signCapabilityResponse(
        { ...request, serverId: "00000000-0000-4000-8000-000000000000" },
        [{ code: SOLVER_CODE, count: 3 }],
        backOffice,
        0,
      ),
    );
    expect(otherServer.status).toBe(400);
    expect(otherServer.body.error.code).toBe("OFFLINE_RESPONSE_FOREIGN");

    const unknown = await admin(
      "POST",
      "/offline/response",
      signCapabilityResponse(
        { ...request, requestId: "never-asked" },
        [{ code: SOLVER_CODE, count: 3 }],
        backOffice,
        0,
      ),
    );
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.code).toBe("OFFLINE_RESPONSE_UNKNOWN_REQUEST");
    expect(activeTotals()).toEqual({ [SESSION_CODE]: 0, [SOLVER_CODE]: 0 });
  });

  it("applies all or nothing: one refused total keeps every other one unchanged", async () => {
    const request = await capabilityRequest();
    const refused = await admin(
      "POST",
      "/offline/response",
      signCapabilityResponse(
        request,
        [
          { code: SESSION_CODE, count: 5 },
          { code: SOLVER_CODE, count: 21 },
        ],
        backOffice,
        0,
      ),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("ACTIVATION_ID_COUNT_EXCEEDED");
    expect(activeTotals()).toEqual({ [SESSION_CODE]: 0, [SOLVER_CODE]: 0 });
  });
});
