import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import type { Database } from "@/server/db/client";
import { createWorkspace } from "@/server/queries/workspaces";
import { VirtualClock } from "@/server/recovery/clock";
import { workspaceNow } from "@/server/recovery/context";
import { defaultPolicy } from "@/server/recovery/policy";
import { noSchedulerHooks, silentLogger, type Notifier, type RecoveryDeps, type SchedulerHooks } from "@/server/recovery/ports";
import { saveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser } from "@/server/testing/database";

/**
 * For the Inngest function tests: a sandbox workspace with no holdout (every
 * customer gets the sequence), its test clock started at `start`, and recovery
 * deps on the test database with the caller's notifier and hooks.
 */
export async function sandboxTestWorkspace(
  database: Database,
  args: { start: string; name: string; notifier: Notifier; hooks?: SchedulerHooks },
) {
  const db = database.db;
  const clock = new VirtualClock(args.start);
  const sandbox = createSandboxProvider(db);
  const deps: RecoveryDeps = {
    db,
    clock,
    billing: async () => sandbox,
    notifier: args.notifier,
    logger: silentLogger,
    hooks: args.hooks ?? noSchedulerHooks,
    appUrl: "http://localhost:3000",
  };
  const owner = await createTestUser(database, "owner");
  const workspace = await createWorkspace(db, { name: args.name, ownerId: owner.id });
  const saved = await saveSequenceVersion(db, { workspaceId: workspace.id, policy: { ...defaultPolicy, holdoutPercent: 0 }, userId: owner.id });
  if (!saved.ok) throw new Error("policy not saved");
  await workspaceNow(deps, workspace.id); // starts the sandbox test clock at `start`
  return { deps, clock, sandbox, workspaceId: workspace.id };
}
