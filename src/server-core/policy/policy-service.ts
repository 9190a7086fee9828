import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { CheckoutRequest, Pool } from "../engine.js";
import type { CheckoutOutcome, LicenseService } from "../license-service.js";
import type { Store } from "../store.js";
import {
  decideAccess,
  EMPTY_ACCESS_CONFIG,
  parseAccessConfig,
  parseAccessConfigText,
  type AccessConfig,
} from "./access-rules.js";
import { LdapUnavailableError, PolicyConflictError, PolicyError } from "./errors.js";
import { attribute, type Hold } from "./holds.js";
import type { StatusReservation } from "../status/snapshot.js";
import { connectLdapPools, type LdapPool } from "./ldap.js";
import { parseModelDefinition, type ModelDefinition } from "./model-definition.js";
import { describePools, planNamedPools, type LicensePoolView } from "./named-pools.js";
import type { PolicySnapshot } from "./policy-snapshot.js";
import { PolicyStore } from "./policy-store.js";
import {
  isReservationHolder,
  parseReservationImport,
  planReservations,
  type ReservationGroup,
  type ReservationView,
} from "./reservations.js";

/** What a client sends beyond the checkout itself, for the access rules. */
export interface ClientFacts {
  product?: string;
  buildNumber?: string;
  ip: string;
}

export type PolicyCheckoutOutcome =
  CheckoutOutcome | { ok: false; code: "ACCESS_DENIED" | "LDAP_UNAVAILABLE"; message: string };

export interface ModelView {
  name: string;
  text: string;
  partitions: string[];
  /** why the stored model keeps no seats (the license files changed under it), if so */
  problem?: string;
}

export class NotFoundError extends Error {}

const MODEL_SOURCE = "model definition";
const NO_ACCESS_SOURCE = "(none)";

/**
 * Reservations, named license pools and access rules around the license service: keeps
 * their seats (holds) in step with the pools, stores every change, and screens checkouts.
 */
export class PolicyService {
  private groups: ReservationGroup[];
  private model: ModelDefinition | undefined;
  private modelProblem: string | undefined;
  private access: AccessConfig = EMPTY_ACCESS_CONFIG;
  private accessJson: unknown = {};
  private accessSource = NO_ACCESS_SOURCE;
  private ldapPools = new Map<string, LdapPool>();
  private cached:
    | {
        pools: readonly Pool[];
        /** the next START or expiry of a pool: placements change then */
        until: number;
        holds: readonly Hold[];
        views: ReservationView[];
      }
    | undefined;

  private constructor(
    private readonly service: LicenseService,
    private readonly store: PolicyStore,
    private readonly logger: Logger,
  ) {
    this.groups = store.loadReservationGroups();
    const modelText = store.loadModelDefinition();
    if (modelText !== undefined) this.model = parseModelDefinition(modelText, MODEL_SOURCE);
    service.setHoldSource(() => this.current().holds);
  }

  /** Loads stored policy; `accessConfigFile`, when given, replaces the stored access config. */
  static async open(
    service: LicenseService,
    store: Store,
    logger: Logger,
    accessConfigFile?: string,
  ): Promise<PolicyService> {
    const policy = new PolicyService(service, new PolicyStore(store), logger);
    if (accessConfigFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(accessConfigFile, "utf8");
      } catch (error) {
        throw new PolicyError(accessConfigFile, `cannot read: ${(error as Error).message}`);
      }
      await policy.installAccess(
        parseAccessConfigText(text, accessConfigFile),
        JSON.parse(text),
        accessConfigFile,
      );
      await policy.store.saveAccessConfig(text, accessConfigFile, service.now());
    } else {
      const stored = policy.store.loadAccessConfig();
      if (stored) {
        const source = `${stored.source} (stored)`;
        await policy.installAccess(
          parseAccessConfigText(stored.json, source),
          JSON.parse(stored.json),
          stored.source,
        );
      }
    }
    policy.current();
    if (policy.modelProblem) logger.error(policy.modelProblem);
    return policy;
  }

  async close(): Promise<void> {
    await Promise.all([...this.ldapPools.values()].map((pool) => pool.close()));
  }

  // ---- the whole policy, for a failover pair

  snapshot(): PolicySnapshot {
    return {
      reservationGroups: this.groups,
      modelDefinition: this.model?.text ?? null,
      accessConfig:
        this.accessSource === NO_ACCESS_SOURCE
          ? null
          : { source: this.accessSource, config: this.accessJson },
    };
  }

  /**
   * Takes another server's policies as this one's (a backup mirroring its main), stored so
   * they hold after a restart. Everything is validated (and LDAP connected) before anything
   * changes. Returns whether anything changed.
   */
  async adopt(snapshot: PolicySnapshot, source: string): Promise<boolean> {
    const current = this.snapshot();
    const groupsChanged =
      JSON.stringify(current.reservationGroups) !== JSON.stringify(snapshot.reservationGroups);
    const modelChanged = current.modelDefinition !== snapshot.modelDefinition;
    const accessChanged =
      JSON.stringify(current.accessConfig) !== JSON.stringify(snapshot.accessConfig);
    if (!groupsChanged && !modelChanged && !accessChanged) return false;

    const groups = parseReservationImport({ groups: snapshot.reservationGroups }, source);
    const model =
      snapshot.modelDefinition === null
        ? undefined
        : parseModelDefinition(snapshot.modelDefinition, `${source}: ${MODEL_SOURCE}`);
    const access = snapshot.accessConfig;
    const accessConfig = access
      ? parseAccessConfig(access.config, `${source}: ${access.source}`)
      : EMPTY_ACCESS_CONFIG;
    const ldapPools = accessChanged
      ? await connectLdapPools(accessConfig.ldap, `${source}: access config`)
      : undefined;
    try {
      await this.store.replaceAll(
        groups,
        snapshot.modelDefinition ?? undefined,
        access && { json: JSON.stringify(access.config), source: access.source },
        this.service.now(),
      );
    } catch (error) {
      await Promise.all([...(ldapPools?.values() ?? [])].map((pool) => pool.close()));
      throw error;
    }
    this.groups = groups;
    this.model = model;
    if (ldapPools) {
      const old = this.ldapPools;
      this.access = accessConfig;
      this.accessJson = access?.config ?? {};
      this.accessSource = access?.source ?? NO_ACCESS_SOURCE;
      this.ldapPools = ldapPools;
      await Promise.all([...old.values()].map((pool) => pool.close()));
    }
    this.cached = undefined;
    this.current();
    return true;
  }

  // ---- checkouts

  async checkout(request: CheckoutRequest, facts: ClientFacts): Promise<PolicyCheckoutOutcome> {
    let decision;
    try {
      decision = await decideAccess(
        this.access,
        {
          feature: request.feature,
          product: facts.product,
          version: request.version,
          userName: request.user,
          hostName: request.host,
          ip: facts.ip,
          buildNumber: facts.buildNumber,
        },
        (connection, filter) => this.lookup(connection, filter),
      );
    } catch (error) {
      if (error instanceof LdapUnavailableError)
        return { ok: false, code: "LDAP_UNAVAILABLE", message: error.message };
      throw error;
    }
    if (!decision.allowed) return { ok: false, code: "ACCESS_DENIED", message: decision.reason };
    return this.service.checkout(request, { priority: decision.priority });
  }

  /** Reservations this client is a holder of, satisfiable ones only. */
  reservedFor(client: { user: string; deviceId: string }): ReservationView[] {
    return this.current().views.filter(
      (view) => view.status === "satisfiable" && isReservationHolder(view, { ...client, host: "" }),
    );
  }

  // ---- reservations

  reservations(): ReservationView[] {
    return this.current().views;
  }

  exportReservations(): { groups: ReservationGroup[] } {
    return { groups: this.groups };
  }

  async addReservationGroups(groups: readonly ReservationGroup[]): Promise<void> {
    if (this.model)
      throw new PolicyConflictError(
        `Reservations and named license pools cannot both be active: model "${this.model.name}" is loaded; delete it first (DELETE /api/1.0/admin/model)`,
      );
    for (const group of groups)
      if (this.groups.some((existing) => existing.name === group.name))
        throw new PolicyConflictError(
          `Reservation group "${group.name}" exists already: delete it and add it again to change it`,
        );
    await this.store.addReservationGroups(groups, this.service.now());
    this.groups = [...this.groups, ...groups];
    this.cached = undefined;
  }

  async deleteReservationGroup(name: string): Promise<ReservationGroup> {
    const group = this.groups.find((existing) => existing.name === name);
    if (!group) throw new NotFoundError(`No reservation group "${name}"`);
    await this.store.deleteReservationGroup(name);
    this.groups = this.groups.filter((existing) => existing !== group);
    this.cached = undefined;
    return group;
  }

  // ---- named license pools

  modelView(): ModelView | undefined {
    if (!this.model) return undefined;
    this.current();
    return {
      name: this.model.name,
      text: this.model.text,
      partitions: this.model.partitions.map((partition) => partition.name),
      ...(this.modelProblem ? { problem: this.modelProblem } : {}),
    };
  }

  async uploadModel(text: string): Promise<ModelView> {
    if (this.groups.length > 0)
      throw new PolicyConflictError(
        `Reservations and named license pools cannot both be active: ${this.groups.length} reservation group(s) exist; delete them first`,
      );
    const model = parseModelDefinition(text, MODEL_SOURCE);
    planNamedPools(model, this.service.pools(), this.service.now(), MODEL_SOURCE);
    await this.store.saveModelDefinition(text, this.service.now());
    this.model = model;
    this.cached = undefined;
    return this.modelView() as ModelView;
  }

  async deleteModel(): Promise<string> {
    if (!this.model) throw new NotFoundError("No model definition is loaded");
    const name = this.model.name;
    await this.store.saveModelDefinition(undefined, this.service.now());
    this.model = undefined;
    this.cached = undefined;
    return name;
  }

  /** Kept seats not in use on one pool, per holder, for status output. */
  statusReservations(poolId: string): StatusReservation[] {
    const { holds, usedInHold } = attribute(this.service.engineState, poolId, this.service.now());
    const rows: StatusReservation[] = [];
    holds.forEach((hold, index) => {
      const idle = hold.count - (usedInHold[index] ?? 0);
      const row = rows.find(
        (entry) => entry.kind === hold.holder.kind && entry.name === hold.holder.name,
      );
      if (row) row.count += idle;
      else rows.push({ kind: hold.holder.kind, name: hold.holder.name, count: idle });
    });
    return rows.filter((row) => row.count > 0);
  }

  licensePools(): LicensePoolView[] {
    this.current();
    const names = this.model && !this.modelProblem ? this.model.partitions.map((p) => p.name) : [];
    return describePools(this.service.engineState, names, this.service.now());
  }

  // ---- access rules

  accessView(): { source: string; config: unknown } {
    return { source: this.accessSource, config: maskPasswords(this.accessJson) };
  }

  /** Validates (and connects every LDAP block) before anything changes; then stores. */
  async replaceAccess(data: unknown, source = "access config (admin API)"): Promise<void> {
    const config = parseAccessConfig(data, source);
    await this.installAccess(config, data, source);
    await this.store.saveAccessConfig(JSON.stringify(data), source, this.service.now());
  }

  private async installAccess(config: AccessConfig, raw: unknown, source: string): Promise<void> {
    const pools = await connectLdapPools(config.ldap, source);
    const old = this.ldapPools;
    this.access = config;
    this.accessJson = raw;
    this.accessSource = source;
    this.ldapPools = pools;
    await Promise.all([...old.values()].map((pool) => pool.close()));
    if (Object.keys(config.ldap).length > 0)
      this.logger.info({ ldap: Object.keys(config.ldap) }, "LDAP connection pools ready");
  }

  private lookup(connection: string, filter: string): Promise<boolean> {
    const pool = this.ldapPools.get(connection);
    if (!pool) throw new LdapUnavailableError(`ldap.${connection}: no such connection`);
    return pool.exists(filter);
  }

  /**
   * Holds and reservation statuses for the current pools, recomputed when policy or pools
   * change, or a pool starts or expires.
   */
  private current(): { holds: readonly Hold[]; views: ReservationView[] } {
    const pools = this.service.pools();
    const now = this.service.now();
    if (this.cached?.pools === pools && now < this.cached.until) return this.cached;
    const plan = planReservations(this.groups, pools, now);
    let holds: readonly Hold[] = plan.holds;
    this.modelProblem = undefined;
    if (this.model) {
      try {
        holds = planNamedPools(this.model, pools, now, MODEL_SOURCE);
      } catch (error) {
        this.modelProblem = `${(error as Error).message}; its named pools keep no seats until the licenses suffice or the model changes`;
      }
    }
    const until = Math.min(
      ...pools.flatMap((pool) =>
        [pool.startsAt, pool.expiresAt].filter(
          (at): at is number => typeof at === "number" && at > now,
        ),
      ),
    );
    this.cached = { pools, until, holds, views: plan.views };
    return this.cached;
  }
}

function maskPasswords(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || !("ldap" in raw)) return raw;
  const ldap = (raw as { ldap: unknown }).ldap;
  if (typeof ldap !== "object" || ldap === null) return raw;
  return {
    ...raw,
    ldap: Object.fromEntries(
      Object.entries(ldap).map(([name, block]) => [
        name,
        typeof block === "object" && block !== null ? { ...block, password: "********" } : block,
      ]),
    ),
  };
}
