/**
 * The webhook part of `npm run bench` (BENCH_PARTS=webhooks): Stripe webhook acknowledgement latency
 * and sustained throughput with signature checks, against Postgres, with 50 concurrent senders, beside
 * a bare Node HTTP server that verifies the same signature and inserts the same row, in the same run.
 * Targets: p99 under 50 ms at 300 events per second, at least half the bare server's throughput, and
 * no event lost or processed twice.
 *
 * What runs: the route's own function (`receiveStripeWebhook`: the connection and workspace read, the
 * sealed secret opened, Stripe's SDK verifying the signature, the event checked and stored under its
 * id, the health stamp) behind a plain Node HTTP server in this process, and the bare server in the
 * same place; the senders run in a worker thread (webhook-load.mjs), Postgres in its own processes.
 * Next.js's own request handling is not in these figures. Afterwards the stored events are processed
 * by two concurrent processors (the scheduler's claim), and every event is checked: stored once,
 * processed once.
 */
import http from "node:http";
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { createStripeClient } from "@/server/billing/stripe/client";
import { saveApiKeyConnection } from "@/server/billing/stripe/connections";
import { processDueWebhookEvents, type StripeRuntime } from "@/server/billing/stripe/process";
import { receiveStripeWebhook } from "@/server/billing/stripe/webhooks";
import { openDatabase } from "@/server/db/client";
import { users, workspaces } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { systemClock } from "@/server/recovery/clock";
import { noSchedulerHooks, silentLogger, type RecoveryDeps } from "@/server/recovery/ports";
import { secretKeyFrom } from "@/server/security/secrets";
import fixtures from "@/server/testing/fake-stripe/fixtures.json";
import { loadLine, type BenchConfig } from "./config";
import { preparePostgres } from "./postgres-admin";
import { fmt, pad, padLeft, percentile } from "./stats";

export const WEBHOOK_SENDERS = 50;
export const WEBHOOK_RATE = 300;
export const WEBHOOK_P99_TARGET_MS = 50;
const SECRET = "whsec_benchmark_0123456789abcdef";

type LoadResult = { latencies: number[]; statuses: Record<string, number>; sent: number; duplicates: number; elapsedMs: number };

export type WebhookFigures = {
  skipped: string | null;
  paced: { app: LoadResult; p50: number; p99: number; ratePerSecond: number } | null;
  saturated: { app: number[]; bare: number[]; appMedian: number; bareMedian: number; ratio: number } | null;
  integrity: { sent: number; stored: number; processedOnce: number; storedTwice: number; lost: number; duplicatesSent: number } | null;
};

function runLoad(data: { url: string; prefix: string; senders: number; ratePerSecond: number | null; durationMs: number | null; total: number | null; duplicateEvery: number | null; template: string }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./webhook-load.mjs", import.meta.url), { workerData: { ...data, secret: SECRET } });
    worker.once("message", (result: LoadResult) => resolve(result));
    worker.once("error", reject);
  });
}

function listen(handler: (body: string, req: http.IncomingMessage) => Promise<{ status: number; body: unknown }>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handler(Buffer.concat(chunks).toString("utf8"), req)
        .then((reply) => {
          res.writeHead(reply.status, { "content-type": "application/json" });
          res.end(JSON.stringify(reply.body));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((done) => server.close(() => done())) }),
    ),
  );
}

/** The bare baseline: the same signature check (HMAC-SHA256 over "t.body", 300 s tolerance) and the same row, one INSERT. */
function bareHandler(client: postgres.Sql, workspaceId: string, connectionId: string) {
  return async (body: string, req: http.IncomingMessage) => {
    const header = String(req.headers["stripe-signature"] ?? "");
    const t = /t=(\d+)/.exec(header)?.[1];
    const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
    if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return { status: 400, body: { error: "bad signature" } };
    const expected = crypto.createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex");
    if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(v1))) return { status: 400, body: { error: "bad signature" } };
    const event = JSON.parse(body) as { id: string; type: string; livemode: boolean; created: number };
    await client`insert into bench_bare_webhook_events (id, provider, event_id, workspace_id, connection_id, type, livemode, created_at, payload)
      values (${crypto.randomUUID()}, 'stripe', ${event.id}, ${workspaceId}, ${connectionId}, ${event.type}, ${event.livemode}, to_timestamp(${event.created}), ${body}::jsonb)
      on conflict (provider, event_id) do nothing`;
    return { status: 200, body: { received: true } };
  };
}

export async function runWebhookBench(config: BenchConfig, out: (line?: string) => void): Promise<WebhookFigures> {
  out();
  out(`== Stripe webhooks on Postgres: ${WEBHOOK_SENDERS} concurrent senders, signature checks, beside a bare Node server ==`);
  const prepared = await preparePostgres(config.adminUrl, null, `reclaim_bench_webhooks_${process.pid}`);
  if (!prepared.ok) {
    out(`   SKIPPED: ${prepared.reason}`);
    return { skipped: prepared.reason, paced: null, saturated: null, integrity: null };
  }
  const database = await openDatabase({ driver: "postgres", url: prepared.db.url });
  const client = postgres(prepared.db.url, { max: 10, onnotice: () => {} });
  try {
    const db = database.db;
    const secretKey = secretKeyFrom(crypto.randomBytes(32).toString("base64"));
    const [owner] = await db.insert(users).values({ email: `bench-${process.pid}@example.com` }).returning();
    const workspace = await createWorkspace(db, { name: "Webhook bench", ownerId: owner!.id });
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, workspace.id));
    const connection = await saveApiKeyConnection(db, secretKey, {
      workspaceId: workspace.id,
      apiKey: "rk_live_benchmark",
      webhookSecret: SECRET,
      publishableKey: "pk_live_benchmark",
      check: { ok: true, accountId: "acct_bench", accountName: "Bench", livemode: true },
    });
    await client.unsafe(`create table bench_bare_webhook_events (like webhook_events including all)`);

    // A real invoice.paid payload (Stripe's example invoice), about 4 KiB, its id replaced per event.
    const invoice = { ...(fixtures.invoice as Record<string, unknown>), id: "in_bench", status: "paid", livemode: true };
    const template = JSON.stringify({ ...(fixtures.event as Record<string, unknown>), id: "__EVENT_ID__", type: "invoice.paid", livemode: true, api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), data: { object: invoice } });

    const platform = { apiUrl: "http://127.0.0.1:9", connect: null };
    const app = await listen(async (body, req) => {
      const { reply } = await receiveStripeWebhook(
        { db, secretKey, platform },
        { rawBody: body, signature: (req.headers["stripe-signature"] as string | undefined) ?? null, workspaceId: workspace.id },
      );
      return reply;
    });
    const bare = await listen(bareHandler(client, workspace.id, connection.id));
    const appUrl = `${app.url}/api/webhooks/stripe`;
    out(`   ${loadLine()}; payload ${fmt(template.length / 1024, 1)} KiB (invoice.paid)`);

    // Warm-up: connections, JIT, plans.
    await runLoad({ url: appUrl, prefix: "warm_app_", senders: 10, ratePerSecond: null, durationMs: null, total: 300, duplicateEvery: null, template });
    await runLoad({ url: bare.url, prefix: "warm_bare_", senders: 10, ratePerSecond: null, durationMs: null, total: 300, duplicateEvery: null, template });

    // 1. Latency at 300 events per second, 20 s, every 20th event delivered twice.
    const paced = await runLoad({ url: appUrl, prefix: "paced_", senders: WEBHOOK_SENDERS, ratePerSecond: WEBHOOK_RATE, durationMs: 20_000, total: null, duplicateEvery: 20, template });
    const pacedFigures = { app: paced, p50: percentile(paced.latencies, 50), p99: percentile(paced.latencies, 99), ratePerSecond: (paced.sent / paced.elapsedMs) * 1000 };
    out(
      `   at ${WEBHOOK_RATE}/s for 20 s: ${paced.sent.toLocaleString("en-US")} events (+${paced.duplicates} repeated deliveries), achieved ${fmt(pacedFigures.ratePerSecond, 0)}/s;` +
        ` acknowledgement p50 ${fmt(pacedFigures.p50, 1)} ms, p99 ${fmt(pacedFigures.p99, 1)} ms, max ${fmt(Math.max(...paced.latencies), 1)} ms; statuses ${JSON.stringify(paced.statuses)}`,
    );

    // 2. Throughput: as fast as 50 senders go, 10 s each, app and bare alternating, three times.
    const appRates: number[] = [];
    const bareRates: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await runLoad({ url: appUrl, prefix: `sat_app_${i}_`, senders: WEBHOOK_SENDERS, ratePerSecond: null, durationMs: 10_000, total: null, duplicateEvery: null, template });
      appRates.push((a.sent / a.elapsedMs) * 1000);
      const b = await runLoad({ url: bare.url, prefix: `sat_bare_${i}_`, senders: WEBHOOK_SENDERS, ratePerSecond: null, durationMs: 10_000, total: null, duplicateEvery: null, template });
      bareRates.push((b.sent / b.elapsedMs) * 1000);
      out(
        `   saturation run ${i + 1}: app ${fmt(appRates[i]!, 0)}/s (p99 ${fmt(percentile(a.latencies, 99), 1)} ms, ${JSON.stringify(a.statuses)}), bare ${fmt(bareRates[i]!, 0)}/s (p99 ${fmt(percentile(b.latencies, 99), 1)} ms); ${loadLine()}`,
      );
    }
    const median = (xs: number[]) => percentile(xs, 50);
    const saturated = { app: appRates, bare: bareRates, appMedian: median(appRates), bareMedian: median(bareRates), ratio: median(appRates) / median(bareRates) };
    await app.close();
    await bare.close();

    // 3. Every event of the paced run: stored once, then processed once by two concurrent processors. The
    // saturation runs' events were only there to be acknowledged: they go, so the check is about the paced run.
    await client`delete from webhook_events where event_id like 'evt_sat_%' or event_id like 'evt_warm_%'`;
    const deps: RecoveryDeps = {
      db,
      clock: systemClock,
      billing: async () => {
        throw new Error("no billing in the webhook bench");
      },
      notifier: {
        sendDunningEmail: async () => {
          throw new Error("no email in the webhook bench");
        },
        sendReceipt: async () => {
          throw new Error("no email in the webhook bench");
        },
      },
      logger: silentLogger,
      hooks: noSchedulerHooks,
      appUrl: "http://localhost:3000",
    };
    const runtime: StripeRuntime = { deps, secretKey, platform, access: () => ({ stripe: createStripeClient({ apiKey: "rk_live_benchmark", apiUrl: platform.apiUrl }), stripeAccount: null }) };
    const processors = Array.from({ length: 2 }, async () => {
      while ((await processDueWebhookEvents(runtime, { limit: 200, concurrency: 8 })) > 0) {
        // Both loop until nothing is due.
      }
    });
    await Promise.all(processors);
    const [row] = (await client`
      select count(*)::int as stored,
        count(*) filter (where status in ('processed', 'ignored') and run_count = 1)::int as processed_once,
        (select count(*)::int from (select event_id from webhook_events where event_id like 'evt_paced_%' group by event_id having count(*) > 1) d) as stored_twice
      from webhook_events where event_id like 'evt_paced_%'`) as unknown as { stored: number; processed_once: number; stored_twice: number }[];
    const integrity = {
      sent: paced.sent,
      stored: row!.stored,
      processedOnce: row!.processed_once,
      storedTwice: row!.stored_twice,
      lost: paced.sent - row!.stored,
      duplicatesSent: paced.duplicates,
    };
    out(
      `   integrity (paced run): ${integrity.sent} sent, ${integrity.stored} stored, ${integrity.storedTwice} stored twice, ${integrity.processedOnce} processed exactly once (two processors), ${integrity.lost} lost`,
    );
    printWebhookTable({ skipped: null, paced: pacedFigures, saturated, integrity }, out);
    return { skipped: null, paced: pacedFigures, saturated, integrity };
  } finally {
    await client.end({ timeout: 5 });
    await database.close();
    await prepared.db.drop();
  }
}

export function printWebhookTable(f: WebhookFigures, out: (line?: string) => void): void {
  if (!f.paced || !f.saturated || !f.integrity) return;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  out();
  out(`   ${pad("figure", 58)} ${padLeft("value", 14)}  target`);
  out(`   ${pad(`acknowledgement p50 at ${WEBHOOK_RATE}/s`, 58)} ${padLeft(`${fmt(f.paced.p50, 1)} ms`, 14)}`);
  out(`   ${pad(`acknowledgement p99 at ${WEBHOOK_RATE}/s`, 58)} ${padLeft(`${fmt(f.paced.p99, 1)} ms`, 14)}  < ${WEBHOOK_P99_TARGET_MS} ms: ${met(f.paced.p99 < WEBHOOK_P99_TARGET_MS)}`);
  out(`   ${pad("sustained events/s, app (median of 3)", 58)} ${padLeft(fmt(f.saturated.appMedian, 0), 14)}`);
  out(`   ${pad("sustained events/s, bare Node server (median of 3)", 58)} ${padLeft(fmt(f.saturated.bareMedian, 0), 14)}`);
  out(`   ${pad("app / bare", 58)} ${padLeft(fmt(f.saturated.ratio, 2), 14)}  >= 0.5: ${met(f.saturated.ratio >= 0.5)}`);
  out(
    `   ${pad("events lost / stored twice / not processed exactly once", 58)} ${padLeft(`${f.integrity.lost} / ${f.integrity.storedTwice} / ${f.integrity.stored - f.integrity.processedOnce}`, 14)}  0 / 0 / 0: ${met(f.integrity.lost === 0 && f.integrity.storedTwice === 0 && f.integrity.stored === f.integrity.processedOnce)}`,
  );
}
