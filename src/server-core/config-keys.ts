/**
 * The server config is written in snake_case (`lease_seconds`, like agent.yaml and api.yaml);
 * the code reads camelCase (`leaseSeconds`). This is the one mapping between the two.
 */

export function camelFromSnake(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function snakeFromCamel(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `lease_seconds` → `leaseSeconds` at the type level, for the written form of a config. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

export type SnakeCaseKeys<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: SnakeCaseKeys<T[K]> }
    : T;

/** A key written in camelCase where snake_case is expected. */
export interface CamelCaseKey {
  /** dotted path of the key as written, `failover.syncSecret` */
  path: string;
  /** what to write instead, `failover.sync_secret` */
  use: string;
}

/**
 * Converts every object key of a written config from snake_case to camelCase (arrays are
 * walked too). Keys with capital letters are not converted but reported, so the caller can
 * name the snake_case key to use.
 */
export function keysFromSnakeCase(value: unknown): {
  value: unknown;
  camelCaseKeys: CamelCaseKey[];
} {
  const camelCaseKeys: CamelCaseKey[] = [];
  const walk = (node: unknown, written: string[], converted: string[]): unknown => {
    if (Array.isArray(node))
      return node.map((item, index) =>
        walk(item, [...written, String(index)], [...converted, String(index)]),
      );
    if (typeof node !== "object" || node === null) return node;
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const snake = snakeFromCamel(key);
      if (snake !== key)
        camelCaseKeys.push({
          path: [...written, key].join("."),
          use: [...converted, snake].join("."),
        });
      result[camelFromSnake(key)] = walk(child, [...written, key], [...converted, snake]);
    }
    return result;
  };
  return { value: walk(value, [], []), camelCaseKeys };
}
