import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/server/env";

/**
 * The key Auth.js hashes magic-link tokens with. Production requires
 * AUTH_SECRET (checked by the env module). Outside production a random secret
 * is made once and kept in the data folder, so `npm run dev` works on a fresh
 * clone and the CLI and the server agree on it.
 */
export function getAuthSecret(): string {
  const config = env();
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  if (config.NODE_ENV === "production") {
    throw new Error("AUTH_SECRET is required in production (generate one with: openssl rand -base64 32)");
  }
  const file = path.join(config.RECLAIM_DATA_DIR, "auth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(config.RECLAIM_DATA_DIR, { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
