import type { Command } from "commander";
import { registerAgentCommand } from "./agent.js";
import { registerApiCommand } from "./api.js";
import { registerCheckinCommand } from "./checkin.js";
import { registerCheckoutCommand } from "./checkout.js";
import { registerDemoCommand } from "./demo.js";
import { registerParseCommand } from "./parse.js";
import { registerServerCommand } from "./server.js";
import { registerSlurmCommand } from "./slurm.js";
import { registerStatusCommands } from "./status.js";

/**
 * Each subcommand registers itself here, one per line. Registration stays cheap: heavy
 * modules (servers, databases) are imported inside the command's action, so
 * `lmkeeper slurm prolog` starts fast.
 */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerParseCommand,
  registerServerCommand,
  registerCheckoutCommand,
  registerCheckinCommand,
  registerApiCommand,
  registerAgentCommand,
  registerSlurmCommand,
  registerStatusCommands,
  registerDemoCommand,
];
