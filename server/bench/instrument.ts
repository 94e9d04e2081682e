import fs from "node:fs";
import { PglitePreparedQuery, PgliteSession } from "drizzle-orm/pglite/session";
import { PostgresJsPreparedQuery, PostgresJsSession } from "drizzle-orm/postgres-js/session";
import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { rowsOf } from "@/server/recovery/actions";

/**
 * Per-query timing for the profiling pass. Wraps drizzle's prepared-query `execute`/`all` and the
 * sessions' `transaction` (both drivers) in this process only, so every query the domain makes is
 * counted and timed from the client's side (round trip + driver + drizzle's row mapping) without
 * touching the domain code. Installed only around the profiling pass.
 */

/** Put in the bench's own queries so the profile leaves them out. */
export const BENCH_MARK = "/* bench */";

export type QueryStat = { count: number; totalMs: number };

export type Profile = {
  queries: Map<string, QueryStat>;
  /** One real instance of each query (text and parameters), to EXPLAIN afterwards. */
  samples: Map<string, { query: string; params: unknown[] }>;
  transactions: QueryStat;
  phases: Map<string, QueryStat>;
};

export function newProfile(): Profile {
  return { queries: new Map(), samples: new Map(), transactions: { count: 0, totalMs: 0 }, phases: new Map() };
}

export function addStat(map: Map<string, QueryStat>, key: string, ms: number): void {
  const stat = map.get(key);
  if (stat) {
    stat.count++;
    stat.totalMs += ms;
  } else map.set(key, { count: 1, totalMs: ms });
}

/** Times an async call into `profile.phases` under `name`. */
export async function timed<T>(profile: Profile | null, name: string, fn: () => Promise<T>): Promise<T> {
  if (!profile) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    addStat(profile.phases, name, performance.now() - t0);
  }
}

/** Where the app makes each query of a retry, for the report. */
const origins: [RegExp, string][] = [
  [/^update scheduled_actions\+sandbox_clocks/, "claimDueWithClocks: claim a batch, rows and clocks returned (per batch)"],
  [/^select workspaces\+sandbox_clocks$/, "workspaceNow"],
  [/^select recovery_cases\+invoices\+subscriptions\+sequence_versions$/, "run: loadCase"],
  [/^select workspaces$/, "deps.billing(): workspace mode (runtime.ts)"],
  [/^select invoices$/, "retry: sandbox getInvoiceStatus"],
  [/^select sandbox_charges$/, "sandbox retryInvoice: idempotency check"],
  [/^select invoices\+customers\+sandbox_payment_methods$/, "sandbox retryInvoice: invoice + card"],
  [/^select sandbox_charges \(count\)$/, "sandbox retryInvoice: attempt number"],
  [/^insert sandbox_charges/, "sandbox retryInvoice: record the charge"],
  [/^update invoices \[status,paid_at\]/, "sandbox charge paid / markCaseRecovered"],
  [/^insert payment_attempts/, "retry: attempt (in the transaction)"],
  [/^update recovery_cases \[retry_count/, "retry: retry count (in the transaction)"],
  [/^insert timeline_events/, "addTimeline"],
  [/^update scheduled_actions\+unnest \[status,result,lease_until/, "driver: completeActions (per batch)"],
  [/^update scheduled_actions \[status,last_error,completed_at\]/, "markCaseRecovered: cancel pending"],
  [/^update scheduled_actions \[status,completed_at\]/, "closeThreadIfDone: cancel pending"],
  [/^update recovery_cases \[status,closed_at/, "markCaseRecovered"],
  [/^select recovery_cases\+invoices$/, "markCaseRecovered: other open cases of the subscription"],
  [/^update subscriptions/, "markCaseRecovered: subscription active"],
  [/^select recovery_cases$/, "closeThreadIfDone"],
  [/^update dunning_threads/, "closeThreadIfDone"],
  [/^select customers$/, "sendReceipts: customer"],
  [/^select workspaces\+workspace_branding$/, "notifier: getBranding"],
  [/^insert outbox_messages/, "mailer: outbox row"],
];

export function originOf(label: string): string {
  return origins.find(([pattern]) => pattern.test(label))?.[1] ?? "";
}

/** "select recovery_cases+invoices+subscriptions", "update scheduled_actions [status,result,...]", ... */
export function labelOf(query: string): string {
  const q = query.replace(/\s+/g, " ").trim().toLowerCase();
  if (q.includes("pg_advisory")) return "select pg_advisory_xact_lock";
  const verb = q.split(" ")[0] ?? "?";
  const tables: string[] = [];
  for (const m of q.matchAll(/(?<!for )\b(?:from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/g)) {
    const table = m[1]!;
    if (!tables.includes(table)) tables.push(table);
  }
  let label = `${verb} ${tables.join("+")}`;
  if (verb === "select" && /\bcount\(/.test(q)) label += " (count)";
  if (verb === "update") {
    const set = /\bset (.*?) where\b/.exec(q)?.[1] ?? "";
    const columns = [...set.matchAll(/"?([a-z_]+)"?\s*=/g)].map((m) => m[1]!);
    label += ` [${columns.slice(0, 3).join(",")}${columns.length > 3 ? ",…" : ""}]`;
  }
  if (verb === "insert" && q.includes("on conflict")) label += q.includes("do update") ? " (upsert)" : " (on conflict do nothing)";
  return label;
}

type AsyncMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

function patch(proto: object, name: string, wrap: (original: AsyncMethod) => AsyncMethod): () => void {
  const target = proto as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== "function") throw new Error(`Cannot instrument ${name}: not a method`);
  target[name] = wrap(original as AsyncMethod);
  return () => {
    target[name] = original;
  };
}

/** Starts recording into `profile`; returns the function that stops it. */
export function instrumentQueries(profile: Profile): () => void {
  const timeQuery =
    (original: AsyncMethod): AsyncMethod =>
    async function (this: unknown, ...args: unknown[]) {
      const query = (this as { queryString?: string }).queryString ?? "?";
      // The bench's own bookkeeping queries are marked and left out.
      if (query.includes(BENCH_MARK)) return original.apply(this, args);
      const label = labelOf(query);
      if (!profile.samples.has(label)) profile.samples.set(label, { query, params: [...((this as { params?: unknown[] }).params ?? [])] });
      const t0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        addStat(profile.queries, label, performance.now() - t0);
      }
    };
  const timeTransaction =
    (original: AsyncMethod): AsyncMethod =>
    async function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        profile.transactions.count++;
        profile.transactions.totalMs += performance.now() - t0;
      }
    };
  const undo = [
    patch(PostgresJsPreparedQuery.prototype, "execute", timeQuery),
    patch(PostgresJsPreparedQuery.prototype, "all", timeQuery),
    patch(PglitePreparedQuery.prototype, "execute", timeQuery),
    patch(PglitePreparedQuery.prototype, "all", timeQuery),
    patch(PostgresJsSession.prototype, "transaction", timeTransaction),
    patch(PgliteSession.prototype, "transaction", timeTransaction),
  ];
  return () => undo.reverse().forEach((fn) => fn());
}

/** CPU used by this process and, for Postgres, by the server backends serving this database (Linux /proc). */
export type CpuSample = { nodeMs: number; serverMs: number | null };
export type CpuMark = { nodeMs: number; server: Map<number, number> | null };

const CLOCK_TICKS = 100; // USER_HZ on Linux

function procCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  } catch {
    return null;
  }
}

export async function cpuMark(db: Db, postgres: boolean): Promise<CpuMark> {
  const usage = process.cpuUsage();
  const nodeMs = (usage.user + usage.system) / 1000;
  if (!postgres) return { nodeMs, server: null };
  const rows = rowsOf<{ pid: number }>(await db.execute(sql`/* bench */ select pid from pg_stat_activity where datname = current_database()`));
  const server = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = procCpuMs(Number(pid));
    if (ms !== null) server.set(Number(pid), ms);
  }
  // The server runs elsewhere (another host or container): its CPU cannot be read here.
  return { nodeMs, server: server.size > 0 ? server : null };
}

/** CPU used since `start`. Backends opened meanwhile count from zero. */
export async function cpuSince(db: Db, postgres: boolean, start: CpuMark): Promise<CpuSample> {
  const end = await cpuMark(db, postgres);
  let serverMs: number | null = null;
  if (end.server) {
    serverMs = 0;
    for (const [pid, ms] of end.server) serverMs += ms - (start.server?.get(pid) ?? 0);
  }
  return { nodeMs: end.nodeMs - start.nodeMs, serverMs };
}

type PostgresJsUnsafe = { unsafe(query: string, params: unknown[]): Promise<Record<string, unknown>[]> };
type PgliteQuery = { query(query: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

/**
 * EXPLAIN ANALYZE of each select the profiled actions made, with the parameters one of them
 * really used (selects only: EXPLAIN ANALYZE runs the statement). Says which read whole tables.
 */
export async function explainSelects(
  database: { db: Db; driver: "pglite" | "postgres" },
  profile: Profile,
): Promise<{ label: string; plan: string; ms: number; filteredRows: number }[]> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  const run = async (query: string, params: unknown[]): Promise<string[]> => {
    const rows =
      database.driver === "postgres"
        ? await (client as PostgresJsUnsafe).unsafe(query, params)
        : (await (client as PgliteQuery).query(query, params)).rows;
    return rows.map((r) => String(Object.values(r)[0]));
  };
  const results: { label: string; plan: string; ms: number; filteredRows: number }[] = [];
  for (const [label, sample] of profile.samples) {
    if (!/^select\b/i.test(sample.query.trim()) || sample.query.includes(BENCH_MARK)) continue;
    let lines: string[];
    try {
      lines = await run(`explain analyze ${sample.query}`, sample.params);
    } catch (error) {
      results.push({ label, plan: `EXPLAIN failed: ${error instanceof Error ? error.message : String(error)}`, ms: Number.NaN, filteredRows: 0 });
      continue;
    }
    const scans: string[] = [];
    let filtered = 0;
    for (let i = 0; i < lines.length; i++) {
      const scan = /(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)(?: using (\w+))? on (\w+)/.exec(lines[i]!);
      if (!scan) continue;
      let removed = 0;
      for (let j = i + 1; j < lines.length && !/->/.test(lines[j]!); j++) {
        const m = /Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(lines[j]!);
        if (m) removed += Number(m[1]);
      }
      filtered += removed;
      const kind = scan[1] === "Seq Scan" ? "SEQ SCAN" : `${scan[1]!.toLowerCase()}${scan[2] ? ` (${scan[2]})` : ""}`;
      scans.push(`${kind} on ${scan[3]}${removed > 0 ? ` [${removed.toLocaleString("en-US")} rows read and filtered out]` : ""}`);
    }
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join("\n"))?.[1] ?? Number.NaN);
    results.push({ label, plan: scans.join(", ") || "no table scan", ms, filteredRows: filtered });
  }
  return results;
}
