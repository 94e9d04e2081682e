import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { sequences, sequenceVersions, type SequenceVersion } from "@/server/db/schema";
import type { Executor } from "./context";
import { defaultPolicy, parsePolicy, type Policy } from "./policy";

/**
 * The workspace's default sequence and its current version, made from the
 * default policy the first time it is needed.
 */
export async function getActiveSequenceVersion(db: Executor, workspaceId: string): Promise<SequenceVersion> {
  const [current] = await db
    .select({ version: sequenceVersions })
    .from(sequences)
    .innerJoin(
      sequenceVersions,
      and(eq(sequenceVersions.sequenceId, sequences.id), eq(sequenceVersions.version, sequences.currentVersion)),
    )
    .where(and(eq(sequences.workspaceId, workspaceId), eq(sequences.isDefault, true)));
  if (current) return current.version;
  const [created] = await db
    .insert(sequences)
    .values({ workspaceId, name: defaultPolicy.name, isDefault: true, currentVersion: 1 })
    .onConflictDoNothing()
    .returning();
  if (created) {
    const [version] = await db
      .insert(sequenceVersions)
      .values({ workspaceId, sequenceId: created.id, version: 1, policy: defaultPolicy })
      .returning();
    if (!version) throw new Error("Could not create the default sequence");
    return version;
  }
  // Someone else created it at the same moment.
  return getActiveSequenceVersion(db, workspaceId);
}

/** Saves a new version of the default sequence. Open cases keep the version they started with. */
export async function saveSequenceVersion(
  db: Db,
  params: { workspaceId: string; policy: unknown; userId: string | null },
): Promise<{ ok: true; version: SequenceVersion } | { ok: false; errors: { path: string; message: string }[] }> {
  const parsed = parsePolicy(params.policy);
  if (!parsed.ok) return parsed;
  const current = await getActiveSequenceVersion(db, params.workspaceId);
  return db.transaction(async (tx) => {
    const [sequence] = await tx
      .select()
      .from(sequences)
      .where(eq(sequences.id, current.sequenceId))
      .for("update");
    if (!sequence) throw new Error("The sequence disappeared");
    const next = sequence.currentVersion + 1;
    const [version] = await tx
      .insert(sequenceVersions)
      .values({
        workspaceId: params.workspaceId,
        sequenceId: sequence.id,
        version: next,
        policy: parsed.policy,
        createdById: params.userId,
      })
      .returning();
    await tx.update(sequences).set({ currentVersion: next, name: parsed.policy.name }).where(eq(sequences.id, sequence.id));
    if (!version) throw new Error("The sequence version was not saved");
    return { ok: true as const, version };
  });
}

export async function listSequenceVersions(db: Db, workspaceId: string) {
  return db
    .select({ id: sequenceVersions.id, version: sequenceVersions.version, createdAt: sequenceVersions.createdAt })
    .from(sequenceVersions)
    .where(eq(sequenceVersions.workspaceId, workspaceId))
    .orderBy(desc(sequenceVersions.version))
    .limit(50);
}

export function policyOf(version: SequenceVersion): Policy {
  return version.policy;
}
