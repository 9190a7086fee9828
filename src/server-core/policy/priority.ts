import {
  allocate,
  type CheckoutRequest,
  type Decision,
  type EngineState,
  type Lease,
} from "../engine.js";

export interface Revocation {
  /** the lease to take away */
  lease: Lease;
  /** the grant that taking it makes possible */
  decision: Extract<Decision, { kind: "grant" }>;
}

/**
 * For a priority client that found nothing free: the live lease of the requested feature
 * with the oldest last-seen whose seats, once freed, let the request through. Undefined
 * when no single lease would do.
 */
export function chooseRevocation(
  state: EngineState,
  request: CheckoutRequest,
  now: number,
): Revocation | undefined {
  const candidates: Lease[] = [];
  for (const pool of state.pools) {
    if (pool.feature.toLowerCase() !== request.feature.toLowerCase()) continue;
    for (const lease of state.leasesOf(pool.id)) if (lease.expiresAt > now) candidates.push(lease);
  }
  candidates.sort((a, b) => a.lastSeenAt - b.lastSeenAt || a.startedAt - b.startedAt);
  for (const lease of candidates) {
    const without: EngineState = {
      pools: state.pools,
      holds: state.holds,
      leasesOf: (poolId) => excluding(state.leasesOf(poolId), lease),
    };
    const decision = allocate(without, request, now);
    if (decision.kind === "grant") return { lease, decision };
  }
  return undefined;
}

function* excluding(leases: Iterable<Lease>, left: Lease): Iterable<Lease> {
  for (const lease of leases) if (lease !== left) yield lease;
}
