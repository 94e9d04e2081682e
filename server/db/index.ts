import path from "node:path";
import { env } from "@/server/env";
import { openDatabase, type Database } from "./client";

export type { Db, Database } from "./client";

// Next.js can evaluate a module more than once in one process; the instance
// lives on globalThis so there is only ever one (two PGlite instances on one
// folder would corrupt it).
const holder = globalThis as unknown as { __reclaimDatabase?: Promise<Database> };

/** This process's database, opened and migrated on first use. */
export function getDatabase(): Promise<Database> {
  if (!holder.__reclaimDatabase) {
    const config = env();
    holder.__reclaimDatabase = openDatabase(
      config.DATABASE_URL
        ? { driver: "postgres", url: config.DATABASE_URL }
        : { driver: "pglite", dataDir: path.join(config.RECLAIM_DATA_DIR, "pglite") },
    ).catch((error: unknown) => {
      holder.__reclaimDatabase = undefined;
      throw error;
    });
  }
  return holder.__reclaimDatabase;
}

export async function getDb() {
  return (await getDatabase()).db;
}

/** Closes the process's database (CLI commands, tests). */
export async function closeDatabase(): Promise<void> {
  const current = holder.__reclaimDatabase;
  holder.__reclaimDatabase = undefined;
  if (current) await (await current).close();
}
