import type { FastifyInstance } from "fastify";
import { parse, parseId, productBody } from "../schemas.js";
import { productToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  sendPage,
} from "./context.js";

export function productRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["products"];
  app.post(
    "/lm/products",
    { preHandler: guard("product", "create"), schema: { tags, body: docSchema(productBody) } },
    async (request, reply) => {
      const body = parse(productBody, request.body, "body");
      return reply.code(201).send(productToWire(await store.products.create(body.name)));
    },
  );
  app.get(
    "/lm/products",
    { preHandler: guard("product", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.products.list(listQueryOf(request)), productToWire),
  );
  app.get<{ Params: { id: string } }>(
    "/lm/products/:id",
    { preHandler: guard("product", "read"), schema: { tags, params: idParam() } },
    async (request) =>
      productToWire(await store.products.get(parseId(request.params.id, "product id"))),
  );
  app.put<{ Params: { id: string } }>(
    "/lm/products/:id",
    {
      preHandler: guard("product", "update"),
      schema: { tags, params: idParam(), body: docSchema(productBody) },
    },
    async (request) => {
      const id = parseId(request.params.id, "product id");
      const body = parse(productBody, request.body, "body");
      return productToWire(await store.products.update(id, body.name));
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/products/:id",
    { preHandler: guard("product", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.products.delete(parseId(request.params.id, "product id"));
      return reply.code(204).send();
    },
  );
}
