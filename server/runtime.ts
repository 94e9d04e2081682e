import { eq } from "drizzle-orm";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import { getConnection, stripeProviderFor, type StripePlatform } from "@/server/billing/stripe/connections";
import { processDueWebhookEvents, type StripeRuntime } from "@/server/billing/stripe/process";
import { scanDueConnections } from "@/server/billing/stripe/scan";
import type { StripeBillingProvider } from "@/server/billing/stripe/provider";
import { getDb } from "@/server/db";
import { workspaces } from "@/server/db/schema";
import { env } from "@/server/env";
import { createLocalDriver, type LocalDriver } from "@/server/scheduler/local-driver";
import { loadSecretKey, type SecretKey } from "@/server/security/secrets";
import { inngestSchedulerHooks } from "@/server/inngest/hooks";
import { getMailer } from "@/server/mail";
import { createNotifier } from "@/server/messaging/notifier";
import { systemClock } from "@/server/recovery/clock";
import { noSchedulerHooks, type Logger, type RecoveryDeps } from "@/server/recovery/ports";

export const consoleLogger: Logger = {
  info: (message, data) => console.info(`[reclaim] ${message}`, data ?? ""),
  warn: (message, data) => console.warn(`[reclaim] ${message}`, data ?? ""),
  error: (message, data) => console.error(`[reclaim] ${message}`, data ?? ""),
};

const holder = globalThis as unknown as {
  __reclaimRecoveryDeps?: Promise<RecoveryDeps>;
  __reclaimWake?: () => void;
  __reclaimSecretKey?: SecretKey;
};

/** The key that seals merchants' secrets (RECLAIM_ENCRYPTION_KEY; a generated one in development). */
export function getSecretKey(): SecretKey {
  holder.__reclaimSecretKey ??= loadSecretKey(env());
  return holder.__reclaimSecretKey;
}

/** This deployment's Stripe settings: where the API is, and the Connect platform when all its variables are set. */
export function stripePlatform(): StripePlatform {
  const config = env();
  return {
    apiUrl: config.STRIPE_API_URL ?? null,
    connect: config.stripeConnect
      ? {
          secretKey: config.STRIPE_SECRET_KEY!,
          publishableKey: config.STRIPE_PUBLISHABLE_KEY!,
          clientId: config.STRIPE_CONNECT_CLIENT_ID!,
          webhookSecret: config.STRIPE_CONNECT_WEBHOOK_SECRET!,
        }
      : null,
  };
}

/** What processing Stripe's webhook events needs: the domain's dependencies and the way to the merchants' accounts. */
export async function getStripeRuntime(): Promise<StripeRuntime> {
  return { deps: await getRecoveryDeps(), secretKey: getSecretKey(), platform: stripePlatform() };
}

/**
 * The local scheduler as the app runs it: due actions and the Stripe webhook events waiting to be
 * processed, each round; once a minute, a look for live Stripe accounts due an overdue-invoice scan.
 */
export async function createAppLocalDriver(): Promise<LocalDriver> {
  const stripe = await getStripeRuntime();
  let lastScanCheck = 0;
  return createLocalDriver(stripe.deps, {
    sideWork: async () => {
      const events = await processDueWebhookEvents(stripe);
      if (Date.now() - lastScanCheck >= 60_000) {
        lastScanCheck = Date.now();
        await scanDueConnections(stripe);
      }
      return events;
    },
  });
}

/** Wakes the embedded scheduler loop (a webhook event or a case waits), when this process runs one. */
export function wakeLocalDriver(): void {
  holder.__reclaimWake?.();
}

/** The embedded local driver registers itself here, so a newly planned case runs without waiting for the next poll. */
export function setLocalDriverWake(wake: () => void): void {
  holder.__reclaimWake = wake;
}

/**
 * The recovery domain's dependencies in this process: real clock, billing by the workspace's mode (the
 * sandbox, or the Stripe account it is connected to when live), outbox or Resend email.
 */
export function getRecoveryDeps(): Promise<RecoveryDeps> {
  holder.__reclaimRecoveryDeps ??= (async () => {
    const db = await getDb();
    const mailer = await getMailer();
    const sandbox = createSandboxProvider(db);
    const modeCache = new Map<string, { mode: "sandbox" | "live"; until: number }>();
    // A few seconds, like the mode: a disconnect or a new key is seen by every process within that.
    const stripeCache = new Map<string, { provider: StripeBillingProvider; until: number }>();
    return {
      db,
      clock: systemClock,
      billing: async (workspaceId: string) => {
        // The mode is read on every action; a few seconds of caching saves a round trip per action.
        const cached = modeCache.get(workspaceId);
        let mode = cached && cached.until > Date.now() ? cached.mode : null;
        if (!mode) {
          const [workspace] = await db.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, workspaceId));
          if (!workspace) throw new Error(`Workspace ${workspaceId} not found`);
          mode = workspace.mode;
          modeCache.set(workspaceId, { mode, until: Date.now() + 5_000 });
        }
        if (mode === "sandbox") return sandbox;
        const cachedStripe = stripeCache.get(workspaceId);
        if (cachedStripe && cachedStripe.until > Date.now()) return cachedStripe.provider;
        const connection = await getConnection(db, workspaceId);
        if (!connection || connection.status !== "active") throw new Error("Live billing is not connected: connect Stripe under Integrations.");
        const provider = stripeProviderFor(connection, getSecretKey(), stripePlatform());
        stripeCache.set(workspaceId, { provider, until: Date.now() + 5_000 });
        return provider;
      },
      notifier: createNotifier({ db, mailer, appUrl: env().APP_URL }),
      logger: consoleLogger,
      hooks:
        env().SCHEDULER_DRIVER === "inngest"
          ? inngestSchedulerHooks
          : {
              ...noSchedulerHooks,
              async threadPlanned() {
                holder.__reclaimWake?.();
              },
            },
      appUrl: env().APP_URL,
    };
  })();
  return holder.__reclaimRecoveryDeps;
}
