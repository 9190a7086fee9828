import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { readFileSync } from "node:fs";

/** A new Ed25519 key pair for a back office, as PEM text. */
export function generateBackOfficeKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export class OfflineKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfflineKeyError";
  }
}

function readKey(path: string, kind: "public" | "private"): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new OfflineKeyError(`${path}: cannot read ${kind} key: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = kind === "public" ? createPublicKey(text) : createPrivateKey(text);
  } catch (error) {
    throw new OfflineKeyError(`${path}: not a PEM ${kind} key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== "ed25519")
    throw new OfflineKeyError(`${path}: an Ed25519 key is needed, not ${key.asymmetricKeyType}`);
  return key;
}

export const readPublicKey = (path: string): KeyObject => readKey(path, "public");
export const readPrivateKey = (path: string): KeyObject => readKey(path, "private");
