import { conflict, notFound } from "../errors.js";
import { ConstraintViolation, type Database } from "./db.js";
import { listClauses, whereClause } from "./listing.js";
import type { ListQuery, Page, Product } from "./types.js";

const LIST_SPEC = {
  searchColumns: ["name"],
  sortColumns: { id: "id", name: "name" },
  defaultSort: "id",
};

export class ProductStore {
  constructor(private readonly db: Database) {}

  async list(query: ListQuery): Promise<Page<Product>> {
    const { search, searchParams, orderAndPage } = listClauses(query, LIST_SPEC);
    const where = whereClause([search]);
    const items = await this.db.all<Product>(
      `SELECT id, name FROM products ${where} ${orderAndPage}`,
      searchParams,
    );
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM products ${where}`,
      searchParams,
    );
    return { items, total: count?.n ?? 0 };
  }

  async get(id: number): Promise<Product> {
    const product = await this.db.get<Product>(`SELECT id, name FROM products WHERE id = ?`, [id]);
    if (product === undefined) throw notFound("product", id);
    return product;
  }

  async create(name: string): Promise<Product> {
    try {
      const row = await this.db.get<Product>(
        `INSERT INTO products (name) VALUES (?) RETURNING id, name`,
        [name],
      );
      return row as Product;
    } catch (error) {
      throw explain(error, name);
    }
  }

  async update(id: number, name: string): Promise<Product> {
    try {
      const row = await this.db.get<Product>(
        `UPDATE products SET name = ? WHERE id = ? RETURNING id, name`,
        [name, id],
      );
      if (row === undefined) throw notFound("product", id);
      return row;
    } catch (error) {
      throw explain(error, name);
    }
  }

  async delete(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const uses = await tx.get<{ n: number }>(
        `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM features WHERE product_id = ?`,
        [id],
      );
      if ((uses?.n ?? 0) > 0)
        throw conflict(`product ${id} is used by ${uses?.n} feature(s); delete them first`);
      const { changes } = await tx.run(`DELETE FROM products WHERE id = ?`, [id]);
      if (changes === 0) throw notFound("product", id);
    });
  }
}

function explain(error: unknown, name: string): unknown {
  if (error instanceof ConstraintViolation && error.kind === "unique") {
    return conflict(`a product named ${JSON.stringify(name)} already exists`);
  }
  return error;
}
