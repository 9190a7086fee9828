#!/usr/bin/env node
import { Command } from "commander";
import { COMMANDS } from "./commands/index.js";
import { VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("lmkeeper")
    .description("Keeps HPC clusters honest about floating software licenses")
    .version(VERSION)
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
