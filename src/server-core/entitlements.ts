import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * Activation codes and what each entitles, from a file the operator provides (YAML or JSON):
 *
 *   activationCodes:
 *     - code: 1234-ABCD-EF12-5678
 *       feature: solver
 *       vendor: acme
 *       version: "2026.0"
 *       expires: 31-dec-2027    # or permanent
 *       count: 20               # the most seats this code may activate
 */
const expiry = z
  .string()
  .transform((text) => text.toLowerCase())
  .refine(
    (text) =>
      text === "permanent" ||
      /^\d{1,2}-(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-\d{4}$/.test(text),
    {
      message: 'must be "permanent" or a date like 31-dec-2027',
    },
  );

const entitlementSchema = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, "must be letters, digits and dashes"),
    feature: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a FlexLM feature name"),
    vendor: z.string().min(1),
    version: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^\d+(\.\d+)*$/, "must be a version like 1.0")),
    expires: z
      .union([expiry, z.literal(0)])
      .transform((value) => (value === 0 ? "permanent" : value)),
    count: z.number().int().positive(),
  })
  .strict();

const fileSchema = z
  .object({ activationCodes: z.array(entitlementSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.activationCodes.forEach((entry, index) => {
      if (seen.has(entry.code)) {
        ctx.addIssue({
          code: "custom",
          path: ["activationCodes", index, "code"],
          message: `duplicate code ${entry.code}`,
        });
      }
      seen.add(entry.code);
    });
  });

export type Entitlement = z.output<typeof entitlementSchema>;

export class EntitlementsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EntitlementsError";
  }
}

export function parseEntitlements(text: string, path: string): Entitlement[] {
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new EntitlementsError(
      `${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
  const result = fileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
    throw new EntitlementsError(`${path}: ${issues.join("; ")}`);
  }
  return result.data.activationCodes;
}

export function loadEntitlements(path: string): Entitlement[] {
  return parseEntitlements(readFileSync(path, "utf8"), path);
}

export type ActivationErrorCode =
  "ACTIVATION_ID_INVALID" | "ACTIVATION_ID_COUNT_EXCEEDED" | "ACTIVATION_IN_USE";

export type ActivationDecision =
  | { kind: "set"; entitlement: Entitlement; count: number }
  | { kind: "error"; code: ActivationErrorCode; message: string };

/**
 * `activate -a CODE -c N` sets the TOTAL active under the code (N = 0 returns them all).
 * Fewer seats than are checked out right now cannot be left active.
 */
export function planActivation(
  entitlements: readonly Entitlement[],
  code: string,
  total: number,
  inUse: number,
): ActivationDecision {
  const entitlement = entitlements.find((entry) => entry.code === code);
  if (!entitlement) {
    return {
      kind: "error",
      code: "ACTIVATION_ID_INVALID",
      message: `Activation code ${code} is not valid`,
    };
  }
  if (total > entitlement.count) {
    return {
      kind: "error",
      code: "ACTIVATION_ID_COUNT_EXCEEDED",
      message: `Activation code ${code} holds ${entitlement.count} licenses; ${total} were requested`,
    };
  }
  if (total < inUse) {
    return {
      kind: "error",
      code: "ACTIVATION_IN_USE",
      message: `${inUse} licenses of activation code ${code} are checked out; cannot lower it to ${total}`,
    };
  }
  return { kind: "set", entitlement, count: total };
}
