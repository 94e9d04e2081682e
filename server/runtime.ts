import { eq } from "drizzle-orm";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import { getDb } from "@/server/db";
import { workspaces } from "@/server/db/schema";
import { env } from "@/server/env";
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
};

/** The embedded local driver registers itself here, so a newly planned case runs without waiting for the next poll. */
export function setLocalDriverWake(wake: () => void): void {
  holder.__reclaimWake = wake;
}

/** The recovery domain's dependencies in this process: real clock, sandbox billing, outbox or Resend email. */
export function getRecoveryDeps(): Promise<RecoveryDeps> {
  holder.__reclaimRecoveryDeps ??= (async () => {
    const db = await getDb();
    const mailer = await getMailer();
    const sandbox = createSandboxProvider(db);
    const modeCache = new Map<string, { mode: "sandbox" | "live"; until: number }>();
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
        throw new Error("Live billing is not connected: connect Stripe under Integrations.");
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
