import type { FastifyInstance, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Resource } from "../permissions.js";
import { parse, parseId } from "../schemas.js";
import type { ListQuery, Page } from "../store/index.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  principalOf,
  sendPage,
} from "./context.js";

/** The store operations every `/lm/<resource>` collection offers. */
export interface ResourceStore<T> {
  list(query: ListQuery, clientId?: string): Promise<Page<T>>;
  get(id: number): Promise<T>;
  delete(id: number): Promise<void>;
}

/**
 * The routes one resource shares with the others: create, list (optionally also scoped to the
 * caller's cluster at `by_client_id`), get, update and delete by numeric id, each behind the
 * resource's permission. Resource-specific routes are registered beside these.
 */
export interface ResourceRoutes<T, Create extends z.ZodType, Update extends z.ZodType> {
  /** e.g. `/lm/products` */
  path: string;
  tag: string;
  permission: Resource;
  /** how an id is named in errors, e.g. "product id" */
  idName: string;
  store: ResourceStore<T>;
  toWire: (item: T) => unknown;
  /** registers `GET path/by_client_id`: the list filtered to the caller's cluster */
  listByClientId?: boolean;
  create?: { body: Create; run: (body: z.output<Create>, request: FastifyRequest) => Promise<T> };
  update?: { body: Update; run: (id: number, body: z.output<Update>) => Promise<T> };
}

export function registerResourceRoutes<T, Create extends z.ZodType, Update extends z.ZodType>(
  app: FastifyInstance,
  { guard }: RouteContext,
  spec: ResourceRoutes<T, Create, Update>,
): void {
  const { path, permission, idName, store, toWire } = spec;
  const tags = [spec.tag];
  const itemPath = `${path}/:id`;
  const { create, update } = spec;

  if (create) {
    app.post(
      path,
      { preHandler: guard(permission, "create"), schema: { tags, body: docSchema(create.body) } },
      async (request, reply) => {
        const body = parse(create.body, request.body, "body");
        return reply.code(201).send(toWire(await create.run(body, request)));
      },
    );
  }
  app.get(
    path,
    { preHandler: guard(permission, "read"), schema: { tags, ...listDoc } },
    async (request, reply) => sendPage(reply, await store.list(listQueryOf(request)), toWire),
  );
  if (spec.listByClientId) {
    app.get(
      `${path}/by_client_id`,
      { preHandler: guard(permission, "read"), schema: { tags, ...listDoc } },
      async (request, reply) =>
        sendPage(
          reply,
          await store.list(listQueryOf(request), principalOf(request).clientId),
          toWire,
        ),
    );
  }
  app.get<{ Params: { id: string } }>(
    itemPath,
    { preHandler: guard(permission, "read"), schema: { tags, params: idParam() } },
    async (request) => toWire(await store.get(parseId(request.params.id, idName))),
  );
  if (update) {
    app.put<{ Params: { id: string } }>(
      itemPath,
      {
        preHandler: guard(permission, "update"),
        schema: { tags, params: idParam(), body: docSchema(update.body) },
      },
      async (request) => {
        const id = parseId(request.params.id, idName);
        const body = parse(update.body, request.body, "body");
        return toWire(await update.run(id, body));
      },
    );
  }
  app.delete<{ Params: { id: string } }>(
    itemPath,
    { preHandler: guard(permission, "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.delete(parseId(request.params.id, idName));
      return reply.code(204).send();
    },
  );
}
