import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_PARSERS,
  LICENSE_SERVER_TYPES,
  ParseError,
  ParserRegistry,
  ParserRegistryError,
  getParser,
  parseOutput,
  parserTypes,
  registerParser,
  type Parser,
} from "../../src/parsers/index.js";

/** A toy format: one `name total used` line per feature. */
function tableParser(type: string): Parser {
  return {
    type,
    command: (server, opts = {}) => ({
      argv: [opts.binary ?? "tablestat", `${server.host}:${server.port}`],
    }),
    parse: (output) => {
      const features = output
        .trim()
        .split("\n")
        .map((line, index) => {
          const [feature, total, used] = line.trim().split(/\s+/);
          if (!feature || total === undefined || used === undefined) {
            throw new ParseError("need name total used", index + 1, line);
          }
          return { feature, total: Number(total), used: Number(used), reserved: 0, uses: [] };
        });
      return { type, features, warnings: [] };
    },
  };
}

describe("the default registry", () => {
  it("knows the six built-in types", () => {
    expect(parserTypes().slice(0, 6)).toEqual([...LICENSE_SERVER_TYPES]);
    expect(BUILTIN_PARSERS.map((parser) => parser.type)).toEqual([...LICENSE_SERVER_TYPES]);
  });

  it("adds a custom type usable through getParser and parseOutput", () => {
    const parser = tableParser("tablestat");
    registerParser(parser);
    expect(getParser("tablestat")).toBe(parser);
    expect(parserTypes()).toContain("tablestat");
    expect(parseOutput("tablestat", "solver 10 4\nmesher 2 0\n")).toEqual({
      type: "tablestat",
      features: [
        { feature: "solver", total: 10, used: 4, reserved: 0, uses: [] },
        { feature: "mesher", total: 2, used: 0, reserved: 0, uses: [] },
      ],
      warnings: [],
    });
  });

  it("refuses a type registered twice, built-in or custom", () => {
    registerParser(tableParser("twice"));
    expect(() => registerParser(tableParser("twice"))).toThrow(ParserRegistryError);
    expect(() => registerParser(tableParser("olicense"))).toThrow(
      'a parser for type "olicense" is already registered',
    );
    expect(getParser("olicense").type).toBe("olicense");
  });

  it("refuses an empty type", () => {
    expect(() => registerParser(tableParser("  "))).toThrow(ParserRegistryError);
  });

  it("names the known types when asked for an unknown one", () => {
    let error: unknown;
    try {
      parseOutput("nosuchtool", "x");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ParserRegistryError);
    expect((error as Error).message).toMatch(
      /^no parser for type "nosuchtool" \(known: flexlm, rlm, lsdyna, lmx, olicense, dsls(, [^)]*)?\)$/,
    );
    expect(() => getParser("nosuchtool")).toThrow(ParserRegistryError);
  });
});

describe("ParserRegistry instances", () => {
  it("are independent of each other and of the default registry", () => {
    const first = new ParserRegistry();
    const second = new ParserRegistry();
    first.register(tableParser("only-in-first"));
    expect(first.has("only-in-first")).toBe(true);
    expect(second.has("only-in-first")).toBe(false);
    expect(() => getParser("only-in-first")).toThrow(ParserRegistryError);
    second.register(tableParser("only-in-first"));
    expect(second.get("only-in-first")).not.toBe(first.get("only-in-first"));
  });

  it("can start empty or from a chosen list", () => {
    const empty = new ParserRegistry([]);
    expect(empty.types()).toEqual([]);
    expect(() => empty.get("flexlm")).toThrow('no parser for type "flexlm" (known: )');
    const custom = new ParserRegistry([tableParser("a"), tableParser("b")]);
    expect(custom.types()).toEqual(["a", "b"]);
  });

  it("refuses duplicates in its initial list", () => {
    expect(() => new ParserRegistry([tableParser("a"), tableParser("a")])).toThrow(
      ParserRegistryError,
    );
  });
});

describe("the parsers entry point", () => {
  const parsersDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/parsers");
  const SPECIFIER =
    /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)/g;

  function specifiers(file: string): string[] {
    const source = readFileSync(file, "utf8");
    return [...source.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
  }

  it("finds the imports it checks (the pattern works)", () => {
    expect(specifiers(join(parsersDir, "index.ts"))).toContain("./registry.js");
    expect(specifiers(join(parsersDir, "registry.ts"))).toEqual(
      expect.arrayContaining(["./errors.js", "./dsls.js", "./olicense.js", "./types.js"]),
    );
  });

  it("every file in src/parsers imports only its siblings: no packages, no node: modules", () => {
    const files = readdirSync(parsersDir).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const offending = files.flatMap((name) =>
      specifiers(join(parsersDir, name))
        .filter((specifier) => !/^\.\/[\w.-]+\.js$/.test(specifier))
        .map((specifier) => `${name}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it("index.ts's import graph stays inside src/parsers", () => {
    const seen = new Set<string>();
    const pending = [join(parsersDir, "index.ts")];
    while (pending.length > 0) {
      const file = pending.pop() ?? "";
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of specifiers(file)) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
        expect(relative(parsersDir, target), `${file} imports ${specifier}`).not.toMatch(
          /^\.\.|^\//,
        );
        pending.push(target);
      }
    }
    expect([...seen].map((file) => relative(parsersDir, file))).toEqual(
      expect.arrayContaining([
        "index.ts",
        "registry.ts",
        "olicense.ts",
        "dsls.ts",
        "feature-totals.ts",
      ]),
    );
  });
});
