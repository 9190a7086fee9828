import { readFileSync } from "node:fs";
import { Agent, request, type Dispatcher } from "undici";
import type { FailoverContext } from "./node.js";
import {
  SYNC_STATE_PATH,
  syncAuthorization,
  syncStateSchema,
  toPool,
  type SyncState,
} from "./protocol.js";

export /** Calls the other server of the pair with the shared secret; any non-200 answer throws. */
function peerCaller(context: FailoverContext) {
  const { config } = context;
  const timeoutMs = Math.max(1000, config.syncSeconds * 1000);
  const connect: Record<string, unknown> = { timeout: timeoutMs };
  if (config.peerCaFile !== undefined) connect["ca"] = readFileSync(config.peerCaFile);
  const dispatcher: Dispatcher = new Agent({
    connect,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const call = async (method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> => {
    const response = await request(`${config.peer}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: syncAuthorization(context.secret),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  const pull = async (): Promise<SyncState> => {
    const parsed = syncStateSchema.parse(await call("GET", SYNC_STATE_PATH));
    return { ...parsed, pools: parsed.pools.map(toPool) };
  };
  return { call, pull, close: () => dispatcher.close() };
}
