import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSync } from "recheck";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every regular expression literal in src/ is checked by recheck, which looks for inputs on
 * which a backtracking engine such as V8's takes more than linear time. The parsers read
 * whatever a vendor tool prints, and the agent whatever Slurm prints; one line of a few
 * thousand blanks or `@` must not stall a cycle. A pattern reported here gets rewritten so that
 * no part of a line can be matched in more than one way (see the parsers for examples).
 */

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

interface RegexLiteral {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function regexLiterals(path: string): RegexLiteral[] {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const found: RegexLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const text = node.text;
      const close = text.lastIndexOf("/");
      const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({
        where: `${relative(SRC, path)}:${line}`,
        source: text.slice(1, close),
        flags: text.slice(close + 1),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("regular expressions in src/", () => {
  const literals = sourceFiles(SRC).flatMap(regexLiterals);

  it("are found (the scan reads the sources)", () => {
    expect(literals.length).toBeGreaterThan(100);
    for (const part of ["parsers/", "agent/", "server-core/", "api/"]) {
      expect(
        literals.some((literal) => literal.where.startsWith(part)),
        part,
      ).toBe(true);
    }
  });

  it("all run in linear time on any input", { timeout: 180_000 }, () => {
    const unsafe = literals.flatMap((literal) => {
      const diagnostics = checkSync(literal.source, literal.flags, { timeout: 10_000 });
      if (diagnostics.status === "safe") return [];
      const attack =
        diagnostics.status === "vulnerable" ? ` (e.g. ${diagnostics.attack.pattern})` : "";
      return [
        `${literal.where} /${literal.source}/${literal.flags}: ${diagnostics.status}${attack}`,
      ];
    });
    expect(unsafe).toEqual([]);
  });
});
