import { compareVersions, type Pool } from "../engine.js";
import { PolicyError } from "./errors.js";
import { placeDemands, type ClientIdentity, type Hold } from "./holds.js";

/**
 * Host id types: a device hostid (matched against the client's device id) or a user hostid
 * (matched against its user name).
 */
export const ID_TYPES = ["STRING", "ETHERNET", "VM_UUID", "USER"] as const;
export type IdType = (typeof ID_TYPES)[number];

export interface Reservation {
  hostId: string;
  idType: IdType;
  feature: string;
  /** minimum version, `a.b` */
  version: string;
  count: number;
}

export interface ReservationGroup {
  name: string;
  reservations: Reservation[];
}

export type ReservationStatus = "satisfiable" | "unsatisfiable";

export interface ReservationView extends Reservation {
  group: string;
  status: ReservationStatus;
}

const VERSION = /^\d+\.\d+$/;

/** Validates an import document `{ "groups": [ { "name", "reservations": [...] } ] }`. */
export function parseReservationImport(data: unknown, source: string): ReservationGroup[] {
  const body = record(data, source, "(document)");
  expectKeys(body, ["groups"], source, "(document)");
  const groups = body.groups;
  if (!Array.isArray(groups)) throw new PolicyError(source, "groups: must be an array");
  const parsed = groups.map((group, index) =>
    parseReservationGroup(group, source, `groups[${index}]`),
  );
  const seen = new Set<string>();
  for (const group of parsed) {
    if (seen.has(group.name))
      throw new PolicyError(source, `reservation group "${group.name}" appears twice`);
    seen.add(group.name);
  }
  return parsed;
}

/** Validates one group `{ "name", "reservations": [ { hostId, idType, feature, version, count } ] }`. */
export function parseReservationGroup(
  data: unknown,
  source: string,
  at = "(group)",
): ReservationGroup {
  const group = record(data, source, at);
  expectKeys(group, ["name", "reservations"], source, at);
  const name = text(group.name, source, `${at}.name`);
  if (!Array.isArray(group.reservations) || group.reservations.length === 0)
    throw new PolicyError(source, `${at}.reservations: must be a non-empty array`);
  const reservations = group.reservations.map((entry: unknown, index: number) =>
    parseReservation(entry, source, `${at}.reservations[${index}]`),
  );
  return { name, reservations };
}

function parseReservation(data: unknown, source: string, at: string): Reservation {
  const entry = record(data, source, at);
  expectKeys(entry, ["hostId", "idType", "feature", "version", "count"], source, at);
  const idType = entry.idType;
  if (typeof idType !== "string" || !(ID_TYPES as readonly string[]).includes(idType))
    throw new PolicyError(source, `${at}.idType: must be one of ${ID_TYPES.join(", ")}`);
  const version = typeof entry.version === "number" ? String(entry.version) : entry.version;
  if (typeof version !== "string" || !VERSION.test(version))
    throw new PolicyError(
      source,
      `${at}.version: ${JSON.stringify(entry.version)} is not a version in numeric a.b format (like 1.0)`,
    );
  const count = entry.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count <= 0)
    throw new PolicyError(
      source,
      `${at}.count: ${JSON.stringify(count)} is not a positive whole number`,
    );
  return {
    hostId: text(entry.hostId, source, `${at}.hostId`),
    idType: idType as IdType,
    feature: text(entry.feature, source, `${at}.feature`),
    version,
    count,
  };
}

export function isReservationHolder(reservation: Reservation, client: ClientIdentity): boolean {
  return reservation.idType === "USER"
    ? client.user === reservation.hostId
    : client.deviceId === reservation.hostId;
}

export interface ReservationPlan {
  holds: Hold[];
  views: ReservationView[];
}

/** Keeps seats for every reservation the pools can satisfy, in group order. */
export function planReservations(
  groups: readonly ReservationGroup[],
  pools: readonly Pool[],
  now: number,
): ReservationPlan {
  const entries = groups.flatMap((group) =>
    group.reservations.map((reservation) => ({ group: group.name, reservation })),
  );
  const placements = placeDemands(
    pools,
    entries.map((entry) => entry.reservation),
    now,
    compareVersions,
  );
  const holds: Hold[] = [];
  const views: ReservationView[] = [];
  entries.forEach(({ group, reservation }, index) => {
    const placement = placements[index];
    const satisfiable = placement?.satisfiable === true;
    views.push({ group, ...reservation, status: satisfiable ? "satisfiable" : "unsatisfiable" });
    if (placement?.satisfiable !== true) return;
    for (const part of placement.parts) {
      holds.push({
        label: `reservation "${group}" ${reservation.idType} ${reservation.hostId}`,
        poolId: part.poolId,
        count: part.count,
        isHolder: (client) => isReservationHolder(reservation, client),
        holder: { kind: reservation.idType === "USER" ? "USER" : "HOST", name: reservation.hostId },
      });
    }
  });
  return { holds, views };
}

function record(data: unknown, source: string, at: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new PolicyError(source, `${at}: must be an object`);
  return data as Record<string, unknown>;
}

function expectKeys(
  data: Record<string, unknown>,
  keys: string[],
  source: string,
  at: string,
): void {
  for (const key of Object.keys(data))
    if (!keys.includes(key))
      throw new PolicyError(source, `${at}.${key}: unknown field (expected ${keys.join(", ")})`);
}

function text(value: unknown, source: string, at: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw new PolicyError(source, `${at}: must be a non-empty string`);
  return value;
}
