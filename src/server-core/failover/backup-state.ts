/**
 * A backup's life, as pure decisions: it stands by while its main answers, starts serving
 * after `failoverAfter` consecutive failed pulls, and on the first good pull after that
 * hands its leases back before standing by again.
 */
export type BackupMode = "standby" | "failover";

export interface BackupState {
  mode: BackupMode;
  consecutiveFailures: number;
}

export type BackupAction =
  /** take the main's state as ours */
  | "adopt"
  /** give the main every lease we hold, then take the main's state */
  | "handover-then-adopt"
  /** start serving checkouts */
  | "enter-failover"
  | "none";

export const INITIAL_BACKUP_STATE: BackupState = { mode: "standby", consecutiveFailures: 0 };

export function afterPull(
  state: BackupState,
  pulled: boolean,
  failoverAfter: number,
): { state: BackupState; action: BackupAction } {
  if (pulled) {
    return {
      state: { mode: "standby", consecutiveFailures: 0 },
      action: state.mode === "failover" ? "handover-then-adopt" : "adopt",
    };
  }
  const failures = state.consecutiveFailures + 1;
  if (state.mode === "standby" && failures >= failoverAfter) {
    return { state: { mode: "failover", consecutiveFailures: failures }, action: "enter-failover" };
  }
  return { state: { mode: state.mode, consecutiveFailures: failures }, action: "none" };
}
