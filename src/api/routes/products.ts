import type { FastifyInstance } from "fastify";
import { productBody } from "../schemas.js";
import { productToWire } from "../wire.js";
import type { RouteContext } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

export function productRoutes(app: FastifyInstance, context: RouteContext): void {
  const { products } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/products",
    tag: "products",
    permission: "product",
    idName: "product id",
    store: products,
    toWire: productToWire,
    create: { body: productBody, run: (body) => products.create(body.name) },
    update: { body: productBody, run: (id, body) => products.update(id, body.name) },
  });
}
