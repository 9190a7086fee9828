import type { KeyObject } from "node:crypto";
import type { LicenseService } from "../license-service.js";
import type { Store } from "../store.js";
import {
  buildCapabilityRequest,
  verifyCapabilityResponse,
  type ActivationTotal,
  type CapabilityRequest,
} from "./capability.js";
import { consumeRequestNow, recordRequest, requestStanding } from "./requests-store.js";

export type ImportOutcome =
  | {
      ok: true;
      requestId: string;
      changes: Array<{ code: string; count: number; previous: number }>;
    }
  | { ok: false; status: number; code: string; message: string };

/** Offline updates of one server: writes capability requests, applies signed responses. */
export class OfflineUpdates {
  constructor(
    private readonly store: Store,
    private readonly service: LicenseService,
    private readonly serverId: string,
    private readonly hostname: string,
    /** the back office's public key; undefined when the config names none */
    private readonly publicKey: KeyObject | undefined,
  ) {}

  async createRequest(desired: ActivationTotal[]): Promise<CapabilityRequest> {
    const activations = this.service.entitlements
      .map((entry) => ({ code: entry.code, count: this.service.activatedCount(entry.code) }))
      .filter((entry) => entry.count > 0);
    const request = buildCapabilityRequest({
      serverId: this.serverId,
      hostname: this.hostname,
      now: this.service.now(),
      activations,
      desired,
    });
    await recordRequest(this.store, request.requestId, this.service.now());
    return request;
  }

  /** All or nothing: a response that fails any check changes nothing. */
  async importResponse(file: unknown): Promise<ImportOutcome> {
    if (!this.publicKey) {
      return {
        ok: false,
        status: 409,
        code: "OFFLINE_NOT_CONFIGURED",
        message: "No back office key is configured (offline.public_key_file in the server config)",
      };
    }
    const verified = verifyCapabilityResponse(file, this.publicKey, this.serverId);
    if (!verified.ok)
      return { ok: false, status: 400, code: verified.code, message: verified.message };
    const { requestId, activations } = verified.response;
    const standing = requestStanding(this.store, requestId);
    if (standing !== "open") {
      return {
        ok: false,
        status: 409,
        code:
          standing === "used"
            ? "OFFLINE_RESPONSE_ALREADY_USED"
            : "OFFLINE_RESPONSE_UNKNOWN_REQUEST",
        message:
          standing === "used"
            ? `The response to request ${requestId} was imported already`
            : `This server wrote no capability request ${requestId}`,
      };
    }
    const now = this.service.now();
    let outcome;
    try {
      outcome = await this.service.setActivations(activations, () =>
        consumeRequestNow(this.store, requestId, now),
      );
    } catch (error) {
      if (requestStanding(this.store, requestId) === "used") {
        return {
          ok: false,
          status: 409,
          code: "OFFLINE_RESPONSE_ALREADY_USED",
          message: `The response to request ${requestId} was imported already`,
        };
      }
      throw error;
    }
    if (!outcome.ok)
      return { ok: false, status: 409, code: outcome.code, message: outcome.message };
    return { ok: true, requestId, changes: outcome.changes };
  }
}
