import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/**
 * The database handle every query function takes. PGlite and postgres-js both
 * produce a PgDatabase; only the driver's result type differs, which no query
 * in Reclaim depends on.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseDriver = "pglite" | "postgres";

export type Database = {
  db: Db;
  driver: DatabaseDriver;
  /** Where the data lives, without credentials. */
  location: string;
  close(): Promise<void>;
};

export type OpenDatabaseOptions =
  | { driver: "postgres"; url: string; maxConnections?: number }
  /** `dataDir` undefined means in memory (tests). */
  | { driver: "pglite"; dataDir?: string };

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/** Opens a database and applies pending migrations. Safe to call from several processes (Postgres). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.driver === "postgres") return openPostgres(options.url, options.maxConnections);
  return openPglite(options.dataDir);
}

async function openPostgres(url: string, maxConnections = 10): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // Several app instances may start at once: an advisory lock held by a
  // single-connection client that also runs the migrations makes them run once.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(7236401)`;
    try {
      await migrate(drizzle(migrator, { schema }), { migrationsFolder });
    } finally {
      await migrator`select pg_advisory_unlock(7236401)`;
    }
  } finally {
    await migrator.end({ timeout: 5 });
  }
  const client = postgres(url, { max: maxConnections, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Db;
  const parsed = new URL(url);
  return {
    db,
    driver: "postgres",
    location: `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`,
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let release = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  const client = new PGlite(dataDir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    driver: "pglite",
    location: dataDir ? path.resolve(dataDir) : "memory",
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * PGlite is one process's database: two processes opening the same folder
 * corrupt it. A pid file refuses the second one with a message saying why.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "reclaim.pid");
  try {
    const holder = Number(fs.readFileSync(lockFile, "utf8").trim());
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database in ${path.resolve(dataDir)} is in use by process ${holder} (probably \`npm run dev\`). ` +
          "Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share.",
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(lockFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Round trip to the database, for health checks. */
export async function pingDatabase(db: Db): Promise<number> {
  const started = performance.now();
  await db.execute(sql`select 1`);
  return Math.round((performance.now() - started) * 10) / 10;
}
