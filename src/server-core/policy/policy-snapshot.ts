import type { ReservationGroup } from "./reservations.js";

/**
 * Every policy a server holds, as a main hands it to its backup: reservation groups, the
 * model definition text and the access config as loaded (LDAP passwords included, since a
 * backup in failover binds with them).
 */
export interface PolicySnapshot {
  reservationGroups: ReservationGroup[];
  modelDefinition: string | null;
  accessConfig: { source: string; config: unknown } | null;
}
