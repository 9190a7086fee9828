import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { z } from "zod";
import { ApiError } from "../errors.js";
import type { Action, Principal, Resource } from "../permissions.js";
import { listQuery, parse } from "../schemas.js";
import type { ListQuery, Page, Store } from "../store/index.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface RouteContext {
  store: Store;
  now: () => Date;
  /** a pre-handler that authenticates the caller and demands the permission */
  guard(resource: Resource, action: Action): preHandlerAsyncHookHandler;
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new ApiError(401, "not authenticated");
  return request.principal;
}

export function listQueryOf(request: FastifyRequest): ListQuery {
  const query = parse(listQuery, request.query ?? {}, "query");
  return {
    sortAscending: query.sort_ascending,
    ...(query.search === undefined ? {} : { search: query.search }),
    ...(query.sort_field === undefined ? {} : { sortField: query.sort_field }),
    ...(query.page === undefined ? {} : { page: query.page }),
    ...(query.size === undefined ? {} : { size: query.size }),
  };
}

/** Sends a list page as a JSON array with the match count in X-Total-Count. */
export function sendPage<T, W>(reply: FastifyReply, page: Page<T>, toWire: (item: T) => W): W[] {
  void reply.header("X-Total-Count", String(page.total));
  return page.items.map(toWire);
}

/** JSON Schema of a request schema, for the OpenAPI document only (zod validates). */
export function docSchema(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  };
  delete json["$schema"];
  return json;
}

export const idParam = (name = "id") => ({
  type: "object",
  properties: { [name]: { type: "string" } },
  required: [name],
});

export const listDoc = {
  querystring: {
    type: "object",
    properties: {
      search: { type: "string", description: "case-insensitive substring over names" },
      sort_field: { type: "string" },
      sort_ascending: { type: "boolean", default: true },
      page: { type: "integer", minimum: 1, description: "1-based, with size" },
      size: { type: "integer", minimum: 1, maximum: 1000 },
    },
  },
};
