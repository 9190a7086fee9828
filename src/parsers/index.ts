export * from "./types.js";
export * from "./errors.js";
export {
  BUILTIN_PARSERS,
  ParserRegistry,
  registerParser,
  getParser,
  parserTypes,
  parseOutput,
} from "./registry.js";
export { flexlmParser, parseLmstatExpiryTable } from "./flexlm.js";
export { rlmParser } from "./rlm.js";
export { lsdynaParser } from "./lsdyna.js";
export { lmxParser } from "./lmx.js";
export { olicenseParser } from "./olicense.js";
export { dslsParser } from "./dsls.js";
