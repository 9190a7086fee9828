import { ParseError } from "../../parsers/errors.js";

/** A policy document (model definition, access config, reservations) is not acceptable. */
export class PolicyError extends ParseError {
  readonly source: string;

  constructor(source: string, message: string, lineNumber = 0, lineText = "") {
    super(`${source}: ${message}`, lineNumber, lineText);
    this.source = source;
  }
}

/** Reservations and named license pools cannot be active together. */
export class PolicyConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConflictError";
  }
}

/** A directory named by an access rule cannot be reached or answered with an error. */
export class LdapUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LdapUnavailableError";
  }
}
