import { randomUUID, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";

/**
 * Offline capability exchange, for a server with no line to the back office:
 *
 *   1. the server writes a capability request (who it is, what it has, what it wants);
 *   2. the back office answers with a response naming the activation totals to serve,
 *      signed with its Ed25519 private key;
 *   3. the server checks the signature against the back office's public key, that the
 *      response answers one of its own requests not used yet, and applies it whole.
 *
 * The response carries its payload as base64 of the exact signed bytes, so no JSON
 * re-encoding can change what the signature covers. Pure functions: keys come in as objects.
 */
export const REQUEST_FORMAT = "lmkeeper-capability-request";
export const RESPONSE_FORMAT = "lmkeeper-capability-response";

const total = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  count: z.number().int().min(0),
});

export type ActivationTotal = z.output<typeof total>;

export const capabilityRequestSchema = z
  .object({
    format: z.literal(REQUEST_FORMAT),
    version: z.literal(1),
    serverId: z.string().min(1),
    hostname: z.string(),
    requestId: z.string().min(1),
    createdAt: z.string(),
    /** what the server has active now */
    activations: z.array(total),
    /** what the operator asks for (totals); empty for a plain refresh */
    desired: z.array(total),
  })
  .strict();

export type CapabilityRequest = z.output<typeof capabilityRequestSchema>;

const responseFileSchema = z
  .object({
    format: z.literal(RESPONSE_FORMAT),
    version: z.literal(1),
    payload: z.string().regex(/^[A-Za-z0-9+/]+=*$/, "must be base64"),
    signature: z.string().regex(/^[A-Za-z0-9+/]+=*$/, "must be base64"),
  })
  .strict();

const responsePayloadSchema = z
  .object({
    serverId: z.string().min(1),
    requestId: z.string().min(1),
    issuedAt: z.string(),
    /** the totals to serve under each code; codes not named stay as they are */
    activations: z.array(total),
  })
  .strict()
  .refine(
    (payload) =>
      new Set(payload.activations.map((entry) => entry.code)).size === payload.activations.length,
    {
      message: "names an activation code twice",
    },
  );

export type CapabilityResponse = z.output<typeof responsePayloadSchema>;

export function buildCapabilityRequest(input: {
  serverId: string;
  hostname: string;
  now: number;
  activations: ActivationTotal[];
  desired: ActivationTotal[];
  requestId?: string;
}): CapabilityRequest {
  return {
    format: REQUEST_FORMAT,
    version: 1,
    serverId: input.serverId,
    hostname: input.hostname,
    requestId: input.requestId ?? randomUUID(),
    createdAt: new Date(input.now).toISOString(),
    activations: input.activations,
    desired: input.desired,
  };
}

/** The back office's side: answers a request with signed totals. */
export function signCapabilityResponse(
  request: CapabilityRequest,
  activations: ActivationTotal[],
  privateKey: KeyObject,
  now: number,
): { format: string; version: 1; payload: string; signature: string } {
  const payload: CapabilityResponse = {
    serverId: request.serverId,
    requestId: request.requestId,
    issuedAt: new Date(now).toISOString(),
    activations,
  };
  const bytes = Buffer.from(JSON.stringify(payload), "utf8");
  return {
    format: RESPONSE_FORMAT,
    version: 1,
    payload: bytes.toString("base64"),
    signature: sign(null, bytes, privateKey).toString("base64"),
  };
}

export type ResponseProblem =
  "OFFLINE_RESPONSE_CORRUPT" | "OFFLINE_RESPONSE_BAD_SIGNATURE" | "OFFLINE_RESPONSE_FOREIGN";

export type VerifiedResponse =
  | { ok: true; response: CapabilityResponse }
  | { ok: false; code: ResponseProblem; message: string };

/** Checks a response file's form, signature and addressee. */
export function verifyCapabilityResponse(
  file: unknown,
  publicKey: KeyObject,
  serverId: string,
): VerifiedResponse {
  const outer = responseFileSchema.safeParse(file);
  if (!outer.success) return corrupt(outer.error);
  const bytes = Buffer.from(outer.data.payload, "base64");
  const signature = Buffer.from(outer.data.signature, "base64");
  if (!verify(null, bytes, publicKey, signature)) {
    return {
      ok: false,
      code: "OFFLINE_RESPONSE_BAD_SIGNATURE",
      message:
        "The response is not signed by this server's back office key (altered, or from another back office)",
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch {
    return {
      ok: false,
      code: "OFFLINE_RESPONSE_CORRUPT",
      message: "The response payload is not JSON",
    };
  }
  const payload = responsePayloadSchema.safeParse(data);
  if (!payload.success) return corrupt(payload.error);
  if (payload.data.serverId !== serverId) {
    return {
      ok: false,
      code: "OFFLINE_RESPONSE_FOREIGN",
      message: `The response is for server ${payload.data.serverId}, not this one (${serverId})`,
    };
  }
  return { ok: true, response: payload.data };
}

function corrupt(error: z.ZodError): VerifiedResponse {
  const problems = error.issues.map(
    (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
  );
  return {
    ok: false,
    code: "OFFLINE_RESPONSE_CORRUPT",
    message: `Not a valid capability response: ${problems.join("; ")}`,
  };
}
