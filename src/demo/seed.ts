/**
 * Seeds the demo's License Manager API over HTTP, as an operator would: one product, one
 * FlexLM configuration of the demo cluster with its features and the demo license server.
 */
export interface DemoSeed {
  apiUrl: string;
  token: string;
  clusterClientId: string;
  product: string;
  features: readonly string[];
  licenseServer: { host: string; port: number };
}

export interface SeededConfiguration {
  configurationId: number;
  featureIds: Map<string, number>;
}

async function post<T>(seed: DemoSeed, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${seed.apiUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${seed.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`seeding the demo API: POST ${path} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

export async function seedDemoConfiguration(seed: DemoSeed): Promise<SeededConfiguration> {
  const product = await post<{ id: number }>(seed, "/lm/products", { name: seed.product });
  const configuration = await post<{ id: number; features: { id: number; name: string }[] }>(
    seed,
    "/lm/configurations",
    {
      name: `${seed.product} (lmkeeper demo)`,
      cluster_client_id: seed.clusterClientId,
      grace_time: 300,
      type: "flexlm",
      features: seed.features.map((name) => ({ name, product_id: product.id })),
      license_servers: [seed.licenseServer],
    },
  );
  return {
    configurationId: configuration.id,
    featureIds: new Map(configuration.features.map((feature) => [feature.name, feature.id])),
  };
}
