/**
 * Seeded malformed HTTP requests for a JSON API: broken JSON, wrong types, bodies over the
 * size limit, unknown routes, wrong methods and content types, bad path parameters and bad
 * credentials. Every request here deserves a 4xx answer; none may cause a 5xx or a crash.
 */
import { seededRandom } from "./flexlm.js";

export interface BadRequest {
  kind: BadRequestKind;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** the one status this request must get, when it is that specific */
  expectStatus?: number;
}

export type BadRequestKind =
  | "bad-json"
  | "wrong-types"
  | "huge-body"
  | "unknown-route"
  | "wrong-method"
  | "wrong-content-type"
  | "bad-path-parameter"
  | "bad-auth";

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A route taking a JSON body, with a valid body whose fields get poisoned one at a time. */
export interface BodyRoute {
  method: string;
  path: string;
  valid: { [key: string]: JsonValue };
  /** the body is an array of such objects (bulk routes) */
  array?: boolean;
  /** fields and the JSON types each also accepts besides its own */
  alsoAccepts?: Record<string, Array<"number" | "string">>;
}

export interface TargetDescription {
  /** routes with JSON bodies */
  bodyRoutes: BodyRoute[];
  /** routes with an id in the path: a template with `{id}` */
  idRoutes: Array<{ method: string; path: string }>;
  /** prefix of the API's own routes, for unknown-route requests under it */
  prefix: string;
  /** header values that authenticate as a caller allowed to use every route */
  goodAuth: Record<string, string>;
  /** authorization header values that must be refused (401/403), and routes to try them on */
  badAuthValues: string[];
  authRoutes: Array<{ method: string; path: string; body?: string }>;
  /** request bodies larger than this must be refused with 413 */
  bodyLimitBytes: number;
}

const BROKEN_JSON = [
  "{",
  '{"name":',
  "[1,,2]",
  "nul",
  "{'name':'x'}",
  '{"name":"x"}}',
  '{"name":"x",}',
  "\u0000",
  '{"name":"\\uZZZZ"}',
  "[",
  '"unterminated',
  "{}".repeat(50),
  "--",
];

const WRONG_VALUES: JsonValue[] = [
  123,
  -5,
  1.5,
  1e300,
  "text",
  "12",
  "",
  "   ",
  "\u0000",
  true,
  [],
  [1, 2],
  {},
  { nested: { deeper: [] } },
];

function typeOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A value of another type than `valid`, or a value no field of its type should accept. */
function poisonFor(valid: JsonValue, alsoAccepts: string[], pick: <T>(items: T[]) => T): JsonValue {
  const candidates = WRONG_VALUES.filter((value) => {
    const type = typeOf(value);
    if (alsoAccepts.includes(type)) return false;
    if (type !== typeOf(valid)) return true;
    // same type: only values that are invalid for every count, id or name field
    if (typeof value === "number") return value < 0 || !Number.isInteger(value) || value > 1e15;
    if (typeof value === "string") return value.trim() === "" || value.includes("\u0000");
    return false;
  });
  return pick(candidates);
}

export function generateBadRequests(
  target: TargetDescription,
  count: number,
  seed: number,
): BadRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const word = (): string =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
      pick([..."abcdefghijklmnopqrstuvwxyz0123456789-_.~"]),
    ).join("");
  const json = { "content-type": "application/json", ...target.goodAuth };

  const makers: Array<[number, () => BadRequest]> = [
    [
      4,
      () => {
        const route = pick(target.bodyRoutes);
        return {
          kind: "bad-json",
          method: route.method,
          path: route.path,
          headers: json,
          body: pick(BROKEN_JSON),
          expectStatus: 400,
        };
      },
    ],
    [
      6,
      () => {
        const route = pick(target.bodyRoutes);
        const fields = Object.keys(route.valid);
        const field = pick(fields);
        const poisoned = {
          ...route.valid,
          [field]: poisonFor(route.valid[field] ?? null, route.alsoAccepts?.[field] ?? [], pick),
        };
        const body = route.array ? [route.valid, poisoned] : poisoned;
        return {
          kind: "wrong-types",
          method: route.method,
          path: route.path,
          headers: json,
          body: JSON.stringify(
            random() < 0.15 ? pick<JsonValue>([null, 5, "x", true, route.array ? {} : []]) : body,
          ),
        };
      },
    ],
    [
      1,
      () => {
        const route = pick(target.bodyRoutes);
        const padding = "x".repeat(target.bodyLimitBytes + 1 + Math.floor(random() * 4096));
        return {
          kind: "huge-body",
          method: route.method,
          path: route.path,
          headers: json,
          body: JSON.stringify({ ...route.valid, padding }),
          expectStatus: 413,
        };
      },
    ],
    [
      3,
      () =>
        withExpectedStatus({
          kind: "unknown-route",
          method: pick(["GET", "POST", "PUT", "DELETE"]),
          path: pick([
            `${target.prefix}/${word()}`,
            `${target.prefix}/${word()}/${word()}`,
            `/${word()}`,
            `${target.prefix}/..%2f..%2f${word()}`,
            `${target.prefix}/${word()}%zz`,
            `${target.prefix}/${"a".repeat(2000 + Math.floor(random() * 4000))}`,
          ]),
          headers: target.goodAuth,
        }),
    ],
    [
      2,
      () => {
        const route = pick(target.bodyRoutes);
        return {
          kind: "wrong-method",
          method: pick(["PATCH", "OPTIONS"]),
          path: route.path,
          headers: json,
          body: JSON.stringify(route.valid),
        };
      },
    ],
    [
      2,
      () => {
        const route = pick(target.bodyRoutes);
        // text/plain is parsed as a string, so the body then fails validation (400 or 422)
        const contentType = pick([
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/xml",
          "multipart/form-data; boundary=x",
        ]);
        return {
          kind: "wrong-content-type",
          method: route.method,
          path: route.path,
          headers: { ...target.goodAuth, "content-type": contentType },
          body: JSON.stringify(route.valid),
          ...(contentType === "text/plain" ? {} : { expectStatus: 415 }),
        };
      },
    ],
    [
      3,
      () => {
        const route = pick(target.idRoutes);
        const id = pick([
          "-1",
          "0",
          "1.5",
          "1e99",
          "99999999999999999999999",
          "abc",
          "%00",
          "%27%3B--",
          "NaN",
          word(),
          "9".repeat(300),
        ]);
        const hasBody = route.method === "PUT" || route.method === "POST";
        return {
          kind: "bad-path-parameter",
          method: route.method,
          path: route.path.replace("{id}", id),
          headers: hasBody ? json : target.goodAuth,
          ...(hasBody ? { body: "{}" } : {}),
        };
      },
    ],
    [
      3,
      () => {
        const route = pick(target.authRoutes);
        const authorization = pick(target.badAuthValues);
        return {
          kind: "bad-auth",
          method: route.method,
          path: route.path,
          headers: {
            ...(route.body === undefined ? {} : { "content-type": "application/json" }),
            ...(authorization === "" ? {} : { authorization }),
          },
          ...(route.body === undefined ? {} : { body: route.body }),
        };
      },
    ],
  ];
  const totalWeight = makers.reduce((sum, [weight]) => sum + weight, 0);
  const requests: BadRequest[] = [];
  for (let i = 0; i < count; i++) {
    let roll = random() * totalWeight;
    const maker = makers.find(([weight]) => (roll -= weight) < 0) ?? makers[0];
    requests.push(maker![1]());
  }
  return requests;
}

/** An unknown route is 404, unless its path is not even valid percent-encoding (400). */
function withExpectedStatus(request: BadRequest): BadRequest {
  try {
    decodeURIComponent(request.path);
    return { ...request, expectStatus: 404 };
  } catch {
    return { ...request, expectStatus: 400 };
  }
}
