// Copies non-TypeScript runtime assets (web manager files, SQL migrations) from src/ to dist/.
import { cpSync, existsSync, readdirSync, statSync, chmodSync } from "node:fs";
import { join, relative } from "node:path";

const ASSET_EXTENSIONS = [".html", ".css", ".js.asset", ".svg", ".sql", ".json", ".mjs"];
const root = new URL("../", import.meta.url).pathname;
const src = join(root, "src");
const dist = join(root, "dist");

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET_EXTENSIONS.some((ext) => name.endsWith(ext))) {
      cpSync(path, join(dist, relative(src, path)));
    }
  }
}

walk(src);
// the web manager's files are served as they are, .js included (no build step)
const ui = join(src, "server-core", "ui");
if (existsSync(ui)) cpSync(ui, join(dist, "server-core", "ui"), { recursive: true });
const cli = join(dist, "cli", "main.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
