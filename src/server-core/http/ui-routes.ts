import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply } from "fastify";
import { sendError } from "./errors.js";

const UI_DIR = new URL("../ui/", import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
};

/** The web manager's files: a fixed list, so no request can name a path outside the folder. */
export const UI_FILES = ["index.html", "app.css", "app.js", "api.js", "chart.js", "views.js"];

/** Serves the web manager at `/` (its files need no credentials; its API calls do). */
export function registerUiRoutes(app: FastifyInstance): void {
  const send = async (name: string, reply: FastifyReply) => {
    const extension = name.slice(name.lastIndexOf(".") + 1);
    const body = await readFile(new URL(name, UI_DIR));
    return reply
      .header("content-type", CONTENT_TYPES[extension] ?? "application/octet-stream")
      .header("cache-control", "no-cache")
      .header("x-content-type-options", "nosniff")
      .send(body);
  };
  app.get("/", async (_request, reply) => send("index.html", reply));
  app.get<{ Params: { file: string } }>("/ui/:file", async (request, reply) => {
    if (!UI_FILES.includes(request.params.file))
      return sendError(reply, 404, "NOT_FOUND", `No web manager file "${request.params.file}"`);
    return send(request.params.file, reply);
  });
}
