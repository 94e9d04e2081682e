import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { outboxMessages } from "@/server/db/schema";
import { assignCohort } from "@/server/recovery/cohort";
import { classifyDecline } from "@/server/recovery/decline";
import { recordPaymentFailure, type PaymentFailedEvent } from "@/server/recovery/open-case";
import type { Notifier } from "@/server/recovery/ports";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createLocalDriver } from "@/server/scheduler/local-driver";
import { buildDeps, createBenchWorkspace } from "./deps";
import { sleep, summarize, within, type Summary } from "./stats";

export type LatencyRun = {
  label: string;
  failures: number;
  /** Failures whose email reached the outbox within the time limit. */
  delivered: number;
  /** Outbox rows found in the database afterwards (a check on the notifier hook). */
  outboxRows: number;
  /** Failure submitted -> its day-0 email in the outbox, ms. */
  latency: Summary;
  /** How long recordPaymentFailure itself took, ms. */
  call: Summary;
  elapsedMs: number;
  errors: number;
  firstErrors: string[];
};

const WARM_UP = 5;
/** Concurrent submitters in the burst run. */
export const BURST_SUBMITTERS = 8;
const DEADLINE_MS = 90_000;

/**
 * Submits failures through recordPaymentFailure while a started local driver runs, exactly as the
 * app wires it (hooks.threadPlanned -> driver.wake()), and times each one until the real notifier
 * has written its day-0 email to the outbox. `intervalMs` > 0 submits one every `intervalMs`;
 * 0 is a burst: BURST_SUBMITTERS loops submit the failures as fast as the calls return.
 */
export async function runLatency(db: Db, options: { label: string; failures: number; intervalMs: number }): Promise<LatencyRun> {
  const expired = classifyDecline({ code: "expired_card" });
  if (expired.retryable || expired.kind !== "card_expired") throw new Error(`expired_card is no longer a hard expiry decline: ${JSON.stringify(expired)}`);

  const workspace = await createBenchWorkspace(db, `latency-${options.label}`);
  const version = await getActiveSequenceVersion(db, workspace.id);
  if (version.policy.emails[0]?.day !== 0) throw new Error("The default policy no longer sends a day-0 email");

  // The customer's email -> when its dunning email left the notifier (the outbox row is written by then).
  const waiting = new Map<string, (at: number) => void>();
  const observe = (notifier: Notifier): Notifier => ({
    async sendDunningEmail(email) {
      const sent = await notifier.sendDunningEmail(email);
      waiting.get(email.to)?.(performance.now());
      return sent;
    },
    sendReceipt: (email) => notifier.sendReceipt(email),
  });
  const { deps, logger, setWake } = buildDeps(db, { wrapNotifier: observe });
  const driver = createLocalDriver(deps);
  setWake(driver.wake);
  driver.start();

  // Holdout customers (policy.holdoutPercent) get no email by design: only treatment customers are submitted.
  const run = `${options.label}-${process.pid}-${Date.now().toString(36)}`;
  const customers: string[] = [];
  for (let i = 0; customers.length < options.failures + WARM_UP && i < (options.failures + WARM_UP) * 10; i++) {
    const externalId = `cus_lat_${run}_${i}`;
    if (assignCohort(workspace.cohortSalt, externalId, version.policy.holdoutPercent) === "treatment") customers.push(externalId);
  }

  const eventFor = (externalId: string, index: number): PaymentFailedEvent => ({
    workspaceId: workspace.id,
    provider: "sandbox",
    eventKey: `evt_${externalId}`,
    customer: { externalId, email: `${externalId}@example.com`, name: `Customer ${index}`, timezone: "UTC", locale: "en-US" },
    subscription: { externalId: `sub_${externalId}`, planName: "Pro", amount: 4900, currency: "usd" },
    invoice: { externalId: `in_${externalId}`, number: `INV-${index}`, amountDue: 4900, currency: "usd" },
    decline: { code: "expired_card" },
    source: "initial",
  });

  const latencies: number[] = [];
  const calls: number[] = [];
  const emailed: Promise<void>[] = [];
  const submit = async (i: number, measured: boolean) => {
    const externalId = customers[i]!;
    const email = `${externalId}@example.com`;
    const t0 = performance.now();
    emailed.push(
      new Promise<void>((resolve) => {
        waiting.set(email, (at) => {
          waiting.delete(email);
          if (measured) latencies.push(at - t0);
          resolve();
        });
      }),
    );
    const result = await recordPaymentFailure(deps, eventFor(externalId, i));
    if (result.result !== "opened") throw new Error(`Failure ${externalId} was ${result.result}`);
    if (measured) calls.push(performance.now() - t0);
  };
  let started = performance.now();
  try {
    // Warm-up (first render, first query plans): waited for and not counted.
    for (let i = 0; i < WARM_UP; i++) await submit(i, false);
    await within(Promise.all(emailed), DEADLINE_MS);
    started = performance.now();
    if (options.intervalMs > 0) {
      for (let i = WARM_UP; i < customers.length; i++) {
        const wait = started + (i - WARM_UP) * options.intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        await submit(i, true);
      }
    } else {
      let next = WARM_UP;
      await Promise.all(
        Array.from({ length: BURST_SUBMITTERS }, async () => {
          while (next < customers.length) await submit(next++, true);
        }),
      );
    }
    await within(Promise.all(emailed), DEADLINE_MS);
  } finally {
    await driver.stop();
  }
  const elapsedMs = performance.now() - started;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.workspaceId, workspace.id),
        eq(outboxMessages.kind, "dunning"),
        inArray(
          outboxMessages.to,
          customers.slice(WARM_UP).map((c) => `${c}@example.com`),
        ),
      ),
    );
  return {
    label: options.label,
    failures: customers.length - WARM_UP,
    delivered: latencies.length,
    outboxRows: row?.n ?? 0,
    latency: summarize(latencies),
    call: summarize(calls),
    elapsedMs,
    errors: logger.errors,
    firstErrors: logger.firstErrors,
  };
}

/** Cost of rendering one day-0 dunning email (HTML + text) with the real template: CPU and wall ms, mean of `times` after a warm-up. */
export async function measureRender(times = 10): Promise<{ cpuMs: number; wallMs: number }> {
  const { createElement } = await import("react");
  const { default: DunningEmail } = await import("@/emails/dunning");
  const { renderEmail } = await import("@/server/mail/render");
  const { defaultPolicy } = await import("@/server/recovery/policy");
  const step = defaultPolicy.emails[0]!;
  const element = createElement(DunningEmail, {
    branding: { displayName: "Bench Co", logoUrl: null, accentColor: "#4f46e5", supportEmail: null },
    customerName: "Ann",
    step: { day: step.day, tone: step.tone, subject: step.subject, body: step.body },
    reason: "your card has expired",
    invoices: [{ invoiceNumber: "INV-1", amount: 4900, currency: "usd" }],
    updateUrl: "http://127.0.0.1:3000/u/token",
    finalAction: "cancel",
    finalActionAt: new Date(),
    locale: "en-US",
    timezone: "UTC",
  });
  for (let i = 0; i < 3; i++) await renderEmail(element);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < times; i++) await renderEmail(element);
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / times, wallMs: (performance.now() - t0) / times };
}
