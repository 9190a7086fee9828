import { z } from "zod";

/** A boolean from YAML, or from an environment variable's `true/1/yes/on` / `false/0/no/off`. */
export const booleanLike = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const lowered = value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(lowered)) return true;
  if (["false", "0", "no", "off"].includes(lowered)) return false;
  return value;
}, z.boolean());
