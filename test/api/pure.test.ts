import { describe, expect, test } from "vitest";
import { bookingFits, freeSeats } from "../../src/api/booking-rules.js";
import { isClusterHealthy } from "../../src/api/health.js";
import {
  clientIdFromClaims,
  isAllowed,
  permissionName,
  permissionsFromClaims,
} from "../../src/api/permissions.js";
import { listClauses } from "../../src/api/store/listing.js";
import { numberPlaceholders } from "../../src/api/store/postgres.js";

describe("booking rule", () => {
  const feature = { total: 10, used: 3, reserved: 2, bookedTotal: 4 };
  test("fits up to booked_total + used + reserved + quantity = total", () => {
    expect(freeSeats(feature)).toBe(1);
    expect(bookingFits(feature, 1)).toBe(true);
    expect(bookingFits(feature, 2)).toBe(false);
  });
  test("nothing fits when usage already exceeds the total", () => {
    expect(freeSeats({ total: 5, used: 7, reserved: 0, bookedTotal: 0 })).toBe(-2);
    expect(bookingFits({ total: 5, used: 7, reserved: 0, bookedTotal: 0 }, 1)).toBe(false);
  });
});

describe("cluster health", () => {
  const reported = "2026-01-15T12:00:00.000Z";
  test("healthy until two intervals have passed", () => {
    expect(isClusterHealthy(reported, 60, new Date("2026-01-15T12:02:00.000Z"))).toBe(true);
    expect(isClusterHealthy(reported, 60, new Date("2026-01-15T12:02:00.001Z"))).toBe(false);
  });
  test("an unreadable timestamp is not healthy", () => {
    expect(isClusterHealthy("yesterday", 60, new Date(reported))).toBe(false);
  });
});

describe("permissions", () => {
  test("names follow license-manager:<resource>:<action>", () => {
    expect(permissionName("license-server", "update")).toBe(
      "license-manager:license-server:update",
    );
  });
  test("the claim may be an array or a space-separated string", () => {
    expect([...permissionsFromClaims({ permissions: ["a", 3, "b"] }, "permissions")]).toEqual([
      "a",
      "b",
    ]);
    expect([...permissionsFromClaims({ scope: " a  b " }, "scope")]).toEqual(["a", "b"]);
    expect([...permissionsFromClaims({}, "permissions")]).toEqual([]);
  });
  test("admin grants everything", () => {
    const admin = { clientId: "c", permissions: new Set(["license-manager:admin"]) };
    expect(isAllowed(admin, "license-manager:job:delete")).toBe(true);
    expect(
      isAllowed(
        { clientId: "c", permissions: new Set(["license-manager:job:read"]) },
        "license-manager:job:delete",
      ),
    ).toBe(false);
  });
  test("the cluster is azp, else client_id, else sub", () => {
    expect(clientIdFromClaims({ azp: "a", client_id: "b", sub: "c" })).toBe("a");
    expect(clientIdFromClaims({ client_id: "b", sub: "c" })).toBe("b");
    expect(clientIdFromClaims({ sub: "c" })).toBe("c");
    expect(clientIdFromClaims({ azp: "" })).toBeUndefined();
  });
});

describe("list clauses", () => {
  const spec = {
    searchColumns: ["name", "host"],
    sortColumns: { id: "id", name: "name" },
    defaultSort: "id",
  };
  test("search escapes LIKE wildcards and matches any column", () => {
    const clauses = listClauses({ search: "50%_A", sortAscending: true }, spec);
    expect(clauses.search).toBe(
      "(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(host) LIKE ? ESCAPE '\\')",
    );
    expect(clauses.searchParams).toEqual(["%50\\%\\_a%", "%50\\%\\_a%"]);
  });
  test("sorting and 1-based pages", () => {
    expect(
      listClauses({ sortField: "name", sortAscending: false, page: 3, size: 20 }, spec)
        .orderAndPage,
    ).toBe("ORDER BY name DESC, id DESC LIMIT 20 OFFSET 40");
    expect(listClauses({ sortAscending: true }, spec).orderAndPage).toBe("ORDER BY id ASC, id ASC");
  });
  test("an unknown sort field is refused with the allowed ones", () => {
    expect(() => listClauses({ sortField: "id; DROP TABLE", sortAscending: true }, spec)).toThrow(
      'sort_field "id; DROP TABLE" is not one of: id, name',
    );
  });
});

test("postgres placeholders are numbered in order", () => {
  expect(numberPlaceholders("SELECT ? + ?, ?")).toBe("SELECT $1 + $2, $3");
});
