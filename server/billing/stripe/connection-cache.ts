import type { Db } from "@/server/db/client";
import type { BillingConnection } from "@/server/db/schema";

/**
 * The webhook route's view of connections, kept for a few seconds per process so that a delivery
 * costs one INSERT in the common case (the Stripe webhook bench: hundreds of events a second). Only
 * the signature check relies on it. This process forgets a workspace's entry the moment its
 * connection is saved or disconnected; another process may use its entry up to CONNECTION_TTL_MS
 * longer: a delivery signed with a new secret is then refused with 400 (Stripe sends it again
 * later), and one for a connection just disconnected is stored and then ignored by processing, which
 * reads the connection afresh.
 */
export const CONNECTION_TTL_MS = 5_000;

export type CachedConnection = { connection: BillingConnection; webhookSecret: string | null; until: number };

const caches = new WeakMap<Db, Map<string, CachedConnection>>();

function cacheOf(db: Db): Map<string, CachedConnection> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

export function cachedConnection(db: Db, key: string, now = Date.now()): CachedConnection | null {
  const entry = cacheOf(db).get(key);
  return entry && entry.until > now ? entry : null;
}

export function rememberConnection(db: Db, key: string, entry: Omit<CachedConnection, "until">, now = Date.now()): void {
  const cache = cacheOf(db);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { ...entry, until: now + CONNECTION_TTL_MS });
}

/** Drops what this process remembers of a workspace's connection (it was saved or disconnected). */
export function forgetConnection(db: Db, workspaceId: string): void {
  const cache = cacheOf(db);
  for (const [key, entry] of cache) if (entry.connection.workspaceId === workspaceId) cache.delete(key);
}
