import postgres from "postgres";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** The bench talks to databases on this machine only. */
export function assertLocal(url: string, name: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`${name} is not a valid URL`);
  }
  if (!LOCAL_HOSTS.has(host)) throw new Error(`${name} points at ${host}: the bench only uses databases on 127.0.0.1`);
}

/** Location without credentials, for the report. */
export function redact(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}:${u.port || "5432"}${u.pathname}`;
}

export type BenchPostgres = { url: string; created: boolean; drop(): Promise<void> };

/**
 * A fresh database (`reclaim_bench_<pid>` unless named) created through the admin URL (dropped by
 * `drop()`), or BENCH_DATABASE_URL used as is. Null with a reason when the server cannot be reached.
 */
export async function preparePostgres(
  adminUrl: string,
  benchUrl: string | null,
  name = `reclaim_bench_${process.pid}`,
): Promise<{ ok: true; db: BenchPostgres } | { ok: false; reason: string }> {
  if (benchUrl) {
    assertLocal(benchUrl, "BENCH_DATABASE_URL");
    const probe = postgres(benchUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await probe`select 1`;
    } catch (error) {
      return { ok: false, reason: `${redact(benchUrl)} is unreachable: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      await probe.end({ timeout: 1 });
    }
    return { ok: true, db: { url: benchUrl, created: false, drop: async () => {} } };
  }
  assertLocal(adminUrl, "ADMIN_DATABASE_URL");
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
    await admin.unsafe(`drop database if exists "${name}"`);
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    return { ok: false, reason: `${redact(adminUrl)} is unreachable or refused: ${error instanceof Error ? error.message : String(error)}` };
  }
  await admin.end({ timeout: 1 });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    ok: true,
    db: {
      url: url.toString(),
      created: true,
      async drop() {
        const cleaner = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
        try {
          await cleaner.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await cleaner.end({ timeout: 1 });
        }
      },
    },
  };
}
