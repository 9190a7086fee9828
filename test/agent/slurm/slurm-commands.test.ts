import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SlurmCommandError } from "../../../src/agent/slurm/errors.js";
import {
  DEFAULT_BINARIES,
  runCommand,
  slurmArgv,
} from "../../../src/agent/slurm/slurm-commands.js";

const dir = mkdtempSync(join(tmpdir(), "lmk-slurm-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function isGone(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return /^State:\s+Z/m.test(status);
  } catch {
    return true;
  }
}

describe("runCommand", () => {
  it("returns stdout and stderr of a successful run, passing argv without a shell", async () => {
    const echo = script("echo-args", 'printf "%s|" "$@"; echo warn >&2');
    const result = await runCommand([echo, "a b", "$HOME", "c;d"], 5_000);
    expect(result.stdout).toBe("a b|$HOME|c;d|");
    expect(result.stderr).toBe("warn\n");
  });

  it("turns a non-zero exit into a SlurmCommandError naming the command and stderr", async () => {
    const fail = script("fail", 'echo "Invalid license specification" >&2; exit 3');
    const error = await runCommand([fail, "update"], 5_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlurmCommandError);
    const commandError = error as SlurmCommandError;
    expect(commandError.exitCode).toBe(3);
    expect(commandError.timedOut).toBe(false);
    expect(commandError.argv).toEqual([fail, "update"]);
    expect(commandError.message).toBe(
      `${fail} update: exited with status 3: Invalid license specification`,
    );
  });

  it("reports stdout when a failing tool writes its complaint there", async () => {
    const fail = script("fail-stdout", 'echo "Reservation x not found"; exit 1');
    await expect(runCommand([fail], 5_000)).rejects.toThrow(/Reservation x not found/);
  });

  it("fails with a SlurmCommandError when the binary does not exist", async () => {
    const error = await runCommand([join(dir, "no-such-scontrol")], 5_000).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect((error as SlurmCommandError).message).toMatch(/no-such-scontrol: .*ENOENT/);
  });

  it("kills the whole process group when the timeout passes", async () => {
    const pidFile = join(dir, "child.pid");
    const hang = script("hang", `sleep 60 & echo $! > ${pidFile}; wait`);
    const error = await runCommand([hang], 500).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect((error as SlurmCommandError).timedOut).toBe(true);
    expect((error as SlurmCommandError).message).toBe(`${hang}: timed out`);
    const grandchild = Number(readFileSync(pidFile, "utf8").trim());
    for (let attempt = 0; attempt < 50 && !isGone(grandchild); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isGone(grandchild)).toBe(true);
  });
});

describe("slurmArgv", () => {
  const bin = DEFAULT_BINARIES;

  it("builds the sacctmgr calls for remote licenses", () => {
    expect(
      slurmArgv.addResource(bin, {
        name: "abaqus.standard",
        server: "flexlm",
        serverType: "flexlm",
        count: 10,
        cluster: "lictest",
      }),
    ).toEqual([
      "sacctmgr",
      "-i",
      "add",
      "resource",
      "name=abaqus.standard",
      "server=flexlm",
      "type=license",
      "servertype=flexlm",
      "count=10",
      "cluster=lictest",
      "percentallowed=100",
    ]);
    expect(slurmArgv.setCount(bin, { name: "a.b", server: "rlm", count: 12 })).toEqual([
      "sacctmgr",
      "-i",
      "modify",
      "resource",
      "where",
      "name=a.b",
      "server=rlm",
      "set",
      "count=12",
    ]);
    expect(slurmArgv.setLastConsumed(bin, { name: "a.b", server: "rlm", lastConsumed: 7 })).toEqual(
      [
        "sacctmgr",
        "-i",
        "modify",
        "resource",
        "where",
        "name=a.b",
        "server=rlm",
        "set",
        "lastconsumed=7",
      ],
    );
    expect(slurmArgv.showResources(bin)).toEqual([
      "sacctmgr",
      "-P",
      "show",
      "resource",
      "withclusters",
    ]);
  });

  it("builds the reservation calls with a duration and a moving end time", () => {
    const licenses = [
      { name: "a.b@flexlm", count: 4 },
      { name: "c.d@rlm", count: 1 },
    ];
    expect(
      slurmArgv.createReservation(bin, {
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses,
      }),
    ).toEqual([
      "scontrol",
      "create",
      "reservation",
      "reservationname=lmkeeper",
      "user=root",
      "starttime=now",
      "duration=30",
      "flags=license_only",
      "licenses=a.b@flexlm:4,c.d@rlm:1",
    ]);
    expect(
      slurmArgv.updateReservation(bin, { reservation: "lmkeeper", minutes: 30, licenses }),
    ).toEqual([
      "scontrol",
      "update",
      "reservationname=lmkeeper",
      "endtime=now+30minutes",
      "licenses=a.b@flexlm:4,c.d@rlm:1",
    ]);
    expect(slurmArgv.deleteReservation(bin, "lmkeeper")).toEqual([
      "scontrol",
      "delete",
      "reservationname=lmkeeper",
    ]);
  });
});
