/**
 * What other parts may use of the reference license server: start it in-process (the agent's
 * `server:` section), load its config, and talk to it as a client. Internals stay private.
 */
export { startServer, type RunningServer, type StartOptions } from "./server.js";
export {
  loadServerConfig,
  parseServerConfig,
  ConfigError,
  type ServerConfig,
  type ServerConfigInput,
} from "./config.js";
export {
  LicenseClient,
  LicenseServerError,
  ServerUnreachableError,
  type CheckoutParams,
  type ClientOptions,
  type LeaseView,
} from "./client.js";
export type {
  StatusSnapshot,
  StatusFeature,
  StatusPool,
  StatusLease,
  StatusVendor,
} from "./status/snapshot.js";
export { LicenseFileError, parseLicenseFile, type LicenseFile } from "./license-file.js";
export { EntitlementsError } from "./entitlements.js";
