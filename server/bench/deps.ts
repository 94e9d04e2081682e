import { eq } from "drizzle-orm";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import type { Db } from "@/server/db/client";
import { users, workspaces, type Workspace } from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { createNotifier } from "@/server/messaging/notifier";
import { systemClock } from "@/server/recovery/clock";
import { noSchedulerHooks, type BillingProvider, type Logger, type Notifier, type RecoveryDeps } from "@/server/recovery/ports";
import { createWorkspace } from "@/server/queries/workspaces";

/** Counts what the domain logs, and keeps the first few errors to show. */
export type CountingLogger = Logger & { errors: number; warnings: number; firstErrors: string[] };

export function countingLogger(): CountingLogger {
  const logger: CountingLogger = {
    errors: 0,
    warnings: 0,
    firstErrors: [],
    info() {},
    warn() {
      logger.warnings++;
    },
    error(message, data) {
      logger.errors++;
      if (logger.firstErrors.length < 5) logger.firstErrors.push(`${message} ${data ? JSON.stringify(data) : ""}`.trim());
    },
  };
  return logger;
}

export type BenchDeps = {
  deps: RecoveryDeps;
  logger: CountingLogger;
  /** The local driver (or anything) registers its wake here, as server/runtime.ts's setLocalDriverWake. */
  setWake(wake: () => void): void;
};

/**
 * The recovery deps as server/runtime.ts builds them for the app: the real clock, the sandbox
 * provider for sandbox workspaces (the workspace's mode looked up and cached for 5 s, as the
 * runtime does), the real notifier
 * rendering the react-email templates into the outbox, and `hooks.threadPlanned` waking the
 * local driver. Only the logger differs (it counts instead of printing).
 *
 * `wrapNotifier` / `wrapBilling` let the bench observe calls without changing what they do.
 */
export function buildDeps(
  db: Db,
  options: { wrapNotifier?: (notifier: Notifier) => Notifier; wrapBilling?: (billing: BillingProvider) => BillingProvider } = {},
): BenchDeps {
  let wake: (() => void) | undefined;
  const logger = countingLogger();
  const sandbox = (options.wrapBilling ?? ((b) => b))(createSandboxProvider(db));
  const mailer = createMailer(db, outboxTransport, "Reclaim <no-reply@reclaim.local>");
  const notifier = (options.wrapNotifier ?? ((n) => n))(createNotifier({ db, mailer, appUrl: "http://localhost:3000" }));
  const modeCache = new Map<string, { mode: "sandbox" | "live"; until: number }>();
  const deps: RecoveryDeps = {
    db,
    clock: systemClock,
    billing: async (workspaceId: string) => {
      // As runtime.ts: the mode is cached for a few seconds, which saves a round trip per action.
      const cached = modeCache.get(workspaceId);
      let mode = cached && cached.until > Date.now() ? cached.mode : null;
      if (!mode) {
        const [workspace] = await db.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, workspaceId));
        if (!workspace) throw new Error(`Workspace ${workspaceId} not found`);
        mode = workspace.mode;
        modeCache.set(workspaceId, { mode, until: Date.now() + 5_000 });
      }
      if (mode === "sandbox") return sandbox;
      throw new Error("Live billing is not connected: connect Stripe under Integrations.");
    },
    notifier,
    logger,
    hooks: {
      ...noSchedulerHooks,
      async threadPlanned() {
        wake?.();
      },
    },
    appUrl: "http://127.0.0.1:3000",
  };
  return {
    deps,
    logger,
    setWake(fn) {
      wake = fn;
    },
  };
}

/** A user and a workspace of their own (sandbox mode, as every new workspace starts). */
export async function createBenchWorkspace(db: Db, label: string): Promise<Workspace> {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const [owner] = await db
    .insert(users)
    .values({ email: `bench-${label}-${suffix}@example.com`, name: `Bench ${label}` })
    .returning();
  if (!owner) throw new Error("The bench user was not created");
  return createWorkspace(db, { name: `Bench ${label} ${suffix}`, ownerId: owner.id });
}
