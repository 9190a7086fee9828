/**
 * Runs every `bench/*.bench.ts` (compiled to .bench-dist) in its own process, one after
 * another, and gathers the JSON each prints on a line starting with BENCH_JSON into
 * bench-results.json. A benchmark may be chosen by name: `npm run bench -- parsers`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.js"))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.startsWith(w)))
  .sort();

const results: Record<string, unknown> = {};
let failed = false;
for (const file of files) {
  const name = file.replace(/\.bench\.js$/, "");
  process.stdout.write(`\n== ${name} ==\n`);
  const run = spawnSync(process.execPath, ["--expose-gc", join(here, file)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith("BENCH_JSON "))
      results[name] = JSON.parse(line.slice("BENCH_JSON ".length));
    else if (line) process.stdout.write(`${line}\n`);
  }
  if (run.status !== 0) {
    failed = true;
    process.stdout.write(`${name} exited with ${run.status}\n`);
  }
}
writeFileSync("bench-results.json", `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("\nresults written to bench-results.json\n");
if (failed) process.exitCode = 1;
