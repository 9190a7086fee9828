import { unprocessable } from "../errors.js";
import type { SqlValue } from "./db.js";
import type { ListQuery } from "./types.js";

export interface ListSpec {
  /** SQL expressions searched with a case-insensitive substring match */
  searchColumns: string[];
  /** wire sort field → SQL expression */
  sortColumns: Record<string, string>;
  defaultSort: string;
}

export interface ListClauses {
  /** `(… LIKE ? OR …)` or "" */
  search: string;
  searchParams: SqlValue[];
  /** ORDER BY … [LIMIT … OFFSET …] */
  orderAndPage: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Turns a list query into SQL fragments; the sort field must be one the resource offers. */
export function listClauses(query: ListQuery, spec: ListSpec): ListClauses {
  const sortField = query.sortField ?? spec.defaultSort;
  const sortColumn = spec.sortColumns[sortField];
  if (sortColumn === undefined) {
    throw unprocessable(
      `sort_field ${JSON.stringify(sortField)} is not one of: ${Object.keys(spec.sortColumns).join(", ")}`,
    );
  }
  const direction = query.sortAscending ? "ASC" : "DESC";
  const tieBreak = spec.sortColumns["id"] ?? "id";
  let orderAndPage = `ORDER BY ${sortColumn} ${direction}, ${tieBreak} ${direction}`;
  if (query.size !== undefined || query.page !== undefined) {
    const size = query.size ?? 50;
    const page = query.page ?? 1;
    orderAndPage += ` LIMIT ${size} OFFSET ${(page - 1) * size}`;
  }
  let search = "";
  const searchParams: SqlValue[] = [];
  if (query.search !== undefined && query.search !== "" && spec.searchColumns.length > 0) {
    const pattern = `%${escapeLike(query.search.toLowerCase())}%`;
    search = `(${spec.searchColumns.map((column) => `LOWER(${column}) LIKE ? ESCAPE '\\'`).join(" OR ")})`;
    for (let i = 0; i < spec.searchColumns.length; i++) searchParams.push(pattern);
  }
  return { search, searchParams, orderAndPage };
}

/** Joins WHERE conditions, skipping empty ones. */
export function whereClause(conditions: string[]): string {
  const present = conditions.filter((c) => c !== "");
  return present.length === 0 ? "" : `WHERE ${present.join(" AND ")}`;
}

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

/** Ids bound in one statement at most: SQLite takes 32,766 parameters, PostgreSQL 65,535. */
const IDS_PER_STATEMENT = 10_000;

/**
 * What `select` finds for `column IN (ids)`, asked in chunks of ids, so that the children of a
 * page of any size (an unpaged list of 40,000 jobs) stay under the parameter limit.
 */
export async function selectForIds<T>(
  column: string,
  ids: readonly number[],
  select: (condition: string, params: readonly number[]) => Promise<T[]>,
): Promise<T[]> {
  const found: T[] = [];
  for (let at = 0; at < ids.length; at += IDS_PER_STATEMENT) {
    const chunk = ids.slice(at, at + IDS_PER_STATEMENT);
    for (const row of await select(`${column} IN (${placeholders(chunk.length)})`, chunk)) {
      found.push(row);
    }
  }
  return found;
}

/** Children by the id of their parent, each list in the order given. */
export function byParent<T>(
  children: readonly T[],
  parentOf: (child: T) => number,
): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const child of children) {
    const parent = parentOf(child);
    const group = groups.get(parent);
    if (group === undefined) groups.set(parent, [child]);
    else group.push(child);
  }
  return groups;
}
