import type { Command } from "commander";
import { registerParseCommand } from "./parse.js";
import { registerStatusCommands } from "./status.js";

/**
 * Each subcommand registers itself here, one per line. Registration stays cheap: heavy
 * modules (servers, databases) are imported inside the command's action, so
 * `lmkeeper slurm prolog` starts fast.
 */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerParseCommand,
  registerStatusCommands,
];
