/**
 * Durable-grant throughput of `lmkeeper server` against a bare node:http server answering
 * the same JSON, both as child processes, each hammered by 64 concurrent keep-alive clients.
 * Every lmkeeper checkout is committed to SQLite (WAL, synchronous=FULL) before it is answered.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { reportJson } from "./report.js";

// compiled to .bench-dist/bench/: the package root is two levels up
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLIENTS = 64;
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);

const BARE_SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ lease: { id: "x", feature: JSON.parse(body).feature, count: 1 } }));
  });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ msg: "license server listening", url: "http://127.0.0.1:" + server.address().port })));
`;

function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "license server listening" && entry.url) resolve({ child, url: entry.url });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function hammer(url: string): Promise<number> {
  const pool = new Pool(url, { connections: CLIENTS, pipelining: 1 });
  const body = JSON.stringify({ feature: "post", user: "bench", host: "node001" });
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const response = await pool.request({
          path: "/api/1.0/leases",
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        await response.body.text();
        if (response.statusCode !== 201)
          throw new Error(`checkout answered ${response.statusCode}`);
        done += 1;
      }
    }),
  );
  await pool.close();
  return done / SECONDS;
}

const dir = mkdtempSync(join(tmpdir(), "lmkeeper-bench-"));
try {
  const config = join(dir, "server.yaml");
  writeFileSync(
    config,
    `port: 0\nbind: 127.0.0.1\nlicense_files: [${JSON.stringify(join(ROOT, "fixtures/server/acme.lic"))}]\n` +
      `database: ${JSON.stringify(join(dir, "server.db"))}\nlease_seconds: 3600\nlog_level: info\n`,
  );
  const bare = await start(["-e", BARE_SERVER]);
  const bareRate = await hammer(bare.url);
  bare.child.kill();
  const lmkeeper = await start([join(ROOT, "dist/cli/main.js"), "server", "--config", config]);
  const lmkeeperRate = await hammer(lmkeeper.url);
  lmkeeper.child.kill("SIGTERM");
  const ratio = lmkeeperRate / bareRate;
  process.stdout.write(
    `bare node:http ${bareRate.toFixed(0)} req/s; lmkeeper durable grants ${lmkeeperRate.toFixed(0)} req/s; ratio ${(ratio * 100).toFixed(1)} %\n`,
  );
  reportJson({ clients: CLIENTS, seconds: SECONDS, bareRate, lmkeeperRate, ratio });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
