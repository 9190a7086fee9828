import { splitLines } from "../../parsers/text.js";
import { PolicyError } from "./errors.js";

export interface PartitionEntry {
  feature: string;
  version: string;
  count: number;
  lineNumber: number;
}

export interface Partition {
  name: string;
  entries: PartitionEntry[];
}

export type RuleField = "user" | "host" | "device";

/** A rule of access: a client whose fields all match (whole-value regexes) draws from `pool`. */
export interface AccessRule {
  pool: string;
  match: { field: RuleField; pattern: RegExp }[];
  lineNumber: number;
}

export interface ModelDefinition {
  name: string;
  partitions: Partition[];
  rules: AccessRule[];
  text: string;
}

type Token =
  | { kind: "string"; value: string; line: number }
  | { kind: "word"; value: string; line: number }
  | { kind: "{" | "}"; value: string; line: number };

const VERSION = /^\d+\.\d+$/;
const RULE_FIELDS: readonly RuleField[] = ["user", "host", "device"];

/**
 * Parses a model definition:
 *
 *   model "NAME" {
 *     partitions { partition "POOL" { "feature" 2.0 3 } }
 *     rules { rule "POOL" { user "regex" host "regex" device "regex" } }
 *   }
 *
 * `//` starts a comment. A partition named twice gets the entries of both. Errors name the line.
 */
export function parseModelDefinition(text: string, source = "model definition"): ModelDefinition {
  const lines = splitLines(text);
  const tokens = tokenize(lines, source);
  let position = 0;
  const fail = (message: string, line: number): never => {
    throw new PolicyError(source, message, line, lines[line - 1] ?? "");
  };
  const lastLine = Math.max(1, lines.length);
  const next = (expected: string): Token => {
    const token = tokens[position];
    if (!token) return fail(`unexpected end of file, expected ${expected}`, lastLine);
    position += 1;
    return token;
  };
  const expect = (kind: Token["kind"], expected: string, value?: string): Token => {
    const token = next(expected);
    if (token.kind !== kind || (value !== undefined && token.value !== value))
      fail(`expected ${expected}, found ${describe(token)}`, token.line);
    return token;
  };
  const peek = (): Token | undefined => tokens[position];

  expect("word", "`model`", "model");
  const name = expect("string", "the model name in quotes").value;
  expect("{", "`{` after the model name");
  const partitions = new Map<string, Partition>();
  const rules: AccessRule[] = [];
  let sawPartitions = false;
  for (;;) {
    const token = next("`partitions`, `rules` or `}`");
    if (token.kind === "}") break;
    if (token.kind === "word" && token.value === "partitions") {
      sawPartitions = true;
      expect("{", "`{` after `partitions`");
      while (peek()?.kind !== "}") {
        expect("word", "`partition` or `}`", "partition");
        const poolName = expect("string", "the partition name in quotes");
        expect("{", "`{` after the partition name");
        const partition = partitions.get(poolName.value) ?? { name: poolName.value, entries: [] };
        partitions.set(poolName.value, partition);
        while (peek()?.kind !== "}") {
          const feature = expect("string", 'a feature line: "feature" VERSION COUNT or `}`');
          const version = expect("word", "the feature version");
          if (!VERSION.test(version.value))
            fail(`"${version.value}" is not a version in numeric a.b format`, version.line);
          const count = expect("word", "the license count");
          if (!/^\d+$/.test(count.value) || Number(count.value) <= 0)
            fail(`"${count.value}" is not a positive whole count`, count.line);
          partition.entries.push({
            feature: feature.value,
            version: version.value,
            count: Number(count.value),
            lineNumber: feature.line,
          });
        }
        position += 1;
      }
      position += 1;
      continue;
    }
    if (token.kind === "word" && token.value === "rules") {
      expect("{", "`{` after `rules`");
      while (peek()?.kind !== "}") {
        const keyword = expect("word", "`rule` or `}`", "rule");
        const pool = expect("string", "the partition name in quotes").value;
        expect("{", "`{` after the rule's partition name");
        const match: AccessRule["match"] = [];
        while (peek()?.kind !== "}") {
          const field = expect("word", `one of ${RULE_FIELDS.join(", ")}`);
          if (!(RULE_FIELDS as readonly string[]).includes(field.value))
            fail(
              `unknown rule field "${field.value}" (expected ${RULE_FIELDS.join(", ")})`,
              field.line,
            );
          const pattern = expect("string", "a regular expression in quotes");
          match.push({
            field: field.value as RuleField,
            pattern: wholeMatch(pattern.value, fail, pattern.line),
          });
        }
        position += 1;
        if (match.length === 0) fail(`rule for "${pool}" has no conditions`, keyword.line);
        rules.push({ pool, match, lineNumber: keyword.line });
      }
      position += 1;
      continue;
    }
    fail(`expected \`partitions\`, \`rules\` or \`}\`, found ${describe(token)}`, token.line);
  }
  const extra = peek();
  if (extra) fail(`unexpected ${describe(extra)} after the end of the model`, extra.line);
  if (!sawPartitions) fail("the model has no `partitions` block", lastLine);
  for (const rule of rules)
    if (!partitions.has(rule.pool))
      fail(`rule names partition "${rule.pool}", which the model does not define`, rule.lineNumber);
  return { name, partitions: [...partitions.values()], rules, text };
}

function wholeMatch(
  source: string,
  fail: (message: string, line: number) => never,
  line: number,
): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    return fail(`invalid regular expression "${source}": ${(error as Error).message}`, line);
  }
}

function tokenize(lines: readonly string[], source: string): Token[] {
  const tokens: Token[] = [];
  lines.forEach((text, index) => {
    const line = index + 1;
    let at = 0;
    while (at < text.length) {
      const char = text[at] ?? "";
      if (/\s/.test(char)) {
        at += 1;
      } else if (text.startsWith("//", at)) {
        break;
      } else if (char === "{" || char === "}") {
        tokens.push({ kind: char, value: char, line });
        at += 1;
      } else if (char === '"') {
        let value = "";
        at += 1;
        for (;;) {
          const c = text[at];
          if (c === undefined) throw new PolicyError(source, "unterminated string", line, text);
          if (c === '"') break;
          if (c === "\\" && (text[at + 1] === '"' || text[at + 1] === "\\")) {
            value += text[at + 1];
            at += 2;
            continue;
          }
          value += c;
          at += 1;
        }
        at += 1;
        tokens.push({ kind: "string", value, line });
      } else {
        const word = /^(?:(?!\/\/)[^\s{}"])+/.exec(text.slice(at))?.[0] ?? char;
        tokens.push({ kind: "word", value: word, line });
        at += word.length;
      }
    }
  });
  return tokens;
}

function describe(token: Token): string {
  return token.kind === "string" ? `"${token.value}"` : `\`${token.value}\``;
}
