import { expect } from "vitest";
import type { RunningApi } from "./api.js";

export interface SeededFeature {
  id: number;
  name: string;
}

export interface Seeded {
  productId: number;
  productName: string;
  configId: number;
  features: SeededFeature[];
}

/**
 * One product and one configuration of the caller's cluster with the given features
 * (name → total, used, reserved). Names get a suffix so tests do not collide.
 */
export async function seedConfiguration(
  api: RunningApi,
  options: {
    as?: string;
    product: string;
    features: Record<string, { total: number; used?: number; reserved?: number }>;
    cluster?: string;
  },
): Promise<Seeded> {
  const as = options.as ?? "cluster-a";
  const product = await api.call("POST", "/lm/products", { as, body: { name: options.product } });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const productId = (product.body as { id: number }).id;
  const config = await api.call("POST", "/lm/configurations", {
    as,
    body: {
      name: `${options.product} licenses`,
      cluster_client_id: options.cluster ?? as,
      grace_time: 300,
      type: "flexlm",
      features: Object.entries(options.features).map(([name, f]) => ({
        name,
        product_id: productId,
        reserved: f.reserved ?? 0,
      })),
      license_servers: [{ host: "127.0.0.1", port: 27000 }],
    },
  });
  expect(config.status, JSON.stringify(config.body)).toBe(201);
  const body = config.body as { id: number; features: SeededFeature[] };
  for (const feature of body.features) {
    const counters = options.features[feature.name];
    const update = await api.call("PUT", `/lm/features/${feature.id}`, {
      as,
      body: { total: counters?.total ?? 0, used: counters?.used ?? 0 },
    });
    expect(update.status, JSON.stringify(update.body)).toBe(200);
  }
  return {
    productId,
    productName: options.product,
    configId: body.id,
    features: body.features.map((f) => ({ id: f.id, name: f.name })),
  };
}

export function featureId(seeded: Seeded, name: string): number {
  const feature = seeded.features.find((f) => f.name === name);
  if (feature === undefined) throw new Error(`no seeded feature ${name}`);
  return feature.id;
}
