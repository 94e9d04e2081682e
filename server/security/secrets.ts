import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Merchants' secrets at rest (Stripe API keys and OAuth tokens, webhook signing secrets): AES-256-GCM
 * with a key from the environment (RECLAIM_ENCRYPTION_KEY, 32 bytes in base64), a random 96-bit nonce
 * per value, and the value's place (table, row, column) as associated data, so a ciphertext copied to
 * another row or column does not decrypt. The stored text names the key by a short fingerprint, so a
 * value sealed under another key fails with a message that says so instead of a bare "bad tag".
 *
 * Format: `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url parts).
 */

export type SecretKey = { id: string; key: Buffer };

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretError";
  }
}

const VERSION = "v1";

export function secretKeyFrom(material: string): SecretKey {
  const key = Buffer.from(material.trim(), "base64");
  if (key.length !== 32) throw new SecretError("RECLAIM_ENCRYPTION_KEY must be 32 bytes in base64 (generate one with: openssl rand -base64 32)");
  return { id: crypto.createHash("sha256").update(key).digest("base64url").slice(0, 8), key };
}

/** Encrypts `plaintext` for the place `context` names (e.g. "billing_connections:<id>:api_key"). */
export function seal(secretKey: SecretKey, plaintext: string, context: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", secretKey.key, nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, secretKey.id, nonce.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** Decrypts what `seal` made for the same `context`. Throws SecretError when it cannot. */
export function open(secretKey: SecretKey, sealed: string, context: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretError("The stored secret is not in a format this version of Reclaim reads.");
  const [, keyId, nonce, ciphertext, tag] = parts as [string, string, string, string, string];
  if (keyId !== secretKey.id) {
    throw new SecretError(
      `The stored secret was encrypted with another RECLAIM_ENCRYPTION_KEY (key ${keyId}, this server has ${secretKey.id}). Restore that key, or disconnect and connect again.`,
    );
  }
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", secretKey.key, Buffer.from(nonce, "base64url"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError("The stored secret could not be decrypted: it was altered, or it belongs to another place.");
  }
}

/**
 * The key of this process: RECLAIM_ENCRYPTION_KEY, required in production. Outside production a
 * random key is made once and kept in the data folder (as the development auth secret is), so
 * `npm run dev` works on a fresh clone and the CLI and the server agree on it.
 */
export function loadSecretKey(config: { RECLAIM_ENCRYPTION_KEY?: string; NODE_ENV: string; RECLAIM_DATA_DIR: string }): SecretKey {
  if (config.RECLAIM_ENCRYPTION_KEY) return secretKeyFrom(config.RECLAIM_ENCRYPTION_KEY);
  if (config.NODE_ENV === "production") {
    throw new SecretError("RECLAIM_ENCRYPTION_KEY is required in production (generate one with: openssl rand -base64 32)");
  }
  const file = path.join(config.RECLAIM_DATA_DIR, "encryption-key");
  try {
    return secretKeyFrom(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(config.RECLAIM_DATA_DIR, { recursive: true });
  const material = crypto.randomBytes(32).toString("base64");
  fs.writeFileSync(file, material, { mode: 0o600 });
  return secretKeyFrom(material);
}
