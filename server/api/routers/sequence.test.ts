import { TRPCError } from "@trpc/server";
import { DateTime } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { memberships, sequenceVersions, type Role } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { defaultPolicy, type Policy } from "@/server/recovery/policy";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";
import { eq } from "drizzle-orm";

const database = await openTestDatabase();

let owner: ContextUser;
let workspaceId: string;

const callerFor = (user: ContextUser) => createCaller(testContext(database, user));
const editable = (): Policy => structuredClone(defaultPolicy) as Policy;

async function memberOf(role: Role) {
  const user = await createTestUser(database, role);
  await database.db.insert(memberships).values({ workspaceId, userId: user.id, role });
  return user;
}

async function versionCount() {
  const rows = await database.db.select().from(sequenceVersions).where(eq(sequenceVersions.workspaceId, workspaceId));
  return rows.length;
}

beforeAll(async () => {
  owner = await createTestUser(database, "owner");
  workspaceId = (await createWorkspace(database.db, { name: "Sequences Inc", ownerId: owner.id })).id;
});

describe("sequence.get and sequence.save", () => {
  it("gives a new workspace the default policy as version 1", async () => {
    const got = await callerFor(owner).sequence.get({ workspaceId });
    expect(got.version).toBe(1);
    expect(got.policy).toEqual(defaultPolicy);
    expect(got.savedAt).toBeInstanceOf(Date);
    expect(got.history).toEqual([
      expect.objectContaining({ version: 1, current: true, name: defaultPolicy.name, savedBy: null, openCases: 0 }),
    ]);
    // Reading again does not make another version.
    expect((await callerFor(owner).sequence.get({ workspaceId })).version).toBe(1);
    expect(await versionCount()).toBe(1);
  });

  it("saves a valid policy as the next version, and lists it first in the history", async () => {
    const policy = { ...editable(), name: "Gentle recovery", holdoutPercent: 20 };
    const saved = await callerFor(owner).sequence.save({ workspaceId, policy });
    expect(saved).toEqual({ ok: true, version: 2, savedAt: expect.any(Date) });

    const got = await callerFor(owner).sequence.get({ workspaceId });
    expect(got.version).toBe(2);
    expect(got.policy.name).toBe("Gentle recovery");
    expect(got.policy.holdoutPercent).toBe(20);
    expect(got.history.map((h) => [h.version, h.current, h.name])).toEqual([
      [2, true, "Gentle recovery"],
      [1, false, defaultPolicy.name],
    ]);
    expect(got.history[0]!.savedBy).toBe("owner");
  });

  it("answers an invalid policy with every problem at its path, and saves nothing", async () => {
    const before = await versionCount();
    const policy = editable();
    policy.emails[2]!.day = 40; // after the 28-day window (and after the email that follows it)
    const broken = { ...policy, holdoutPercent: 75 };
    const result = await callerFor(owner).sequence.save({ workspaceId, policy: broken });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: "holdoutPercent", message: expect.stringContaining("from 0 to 50") },
        { path: "emails.2.day", message: expect.stringContaining("after the 28-day recovery window ends") },
      ]),
    );
    expect(await versionCount()).toBe(before);
  });

  it("reports a missing policy as a problem, not a crash", async () => {
    const result = await callerFor(owner).sequence.save({ workspaceId, policy: undefined });
    expect(result).toEqual({ ok: false, errors: [{ path: "", message: "The sequence is missing." }] });
  });

  it.each(["viewer", "finance"] as const)("lets a %s read the sequence but not save it", async (role) => {
    const user = await memberOf(role);
    expect((await callerFor(user).sequence.get({ workspaceId })).policy.emails.length).toBeGreaterThan(0);
    const before = await versionCount();
    const error = await callerFor(user)
      .sequence.save({ workspaceId, policy: editable() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect(await versionCount()).toBe(before);
  });

  it("lets an admin save", async () => {
    const admin = await memberOf("admin");
    const saved = await callerFor(admin).sequence.save({ workspaceId, policy: editable() });
    expect(saved.ok).toBe(true);
  });
});

describe("sequence.preview", () => {
  // Monday 2 March 2026, 09:30 in Paris. Paydays after it: Friday 6 March, Sunday 15 March, Wednesday 1 April.
  const openedAt = "2026-03-02T09:30";
  const timezone = "Europe/Paris";
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: timezone }).toFormat("ccc d LLL HH:mm");

  async function preview(policy: unknown) {
    return callerFor(owner).sequence.preview({ workspaceId, policy, openedAt, timezone });
  }

  it("plans payday retries for insufficient funds under the default policy", async () => {
    const result = await preview(defaultPolicy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { preview: p } = result;
    expect(local(p.openedAt)).toBe("Mon 2 Mar 09:30");
    expect(p.timezone).toBe(timezone);

    const funds = p.groups.find((g) => g.id === "insufficient_funds")!;
    expect(funds.strategy).toBe("payday");
    const retries = funds.events.filter((e) => e.kind === "retry");
    // First Friday, then the 15th; the 1st of April is after the 28-day window (ends 30 March).
    expect(retries.map((e) => local(e.at))).toEqual(["Fri 6 Mar 10:00", "Sun 15 Mar 10:00"]);
    expect(retries.map((e) => e.day)).toEqual([4, 13]);
    expect(funds.retries).toBe(2);
    expect(funds.maxRetries).toBe(4);

    const emails = funds.events.filter((e) => e.kind === "email");
    expect(emails.map((e) => e.day)).toEqual([0, 3, 7, 14, 21, 28]);
    expect(local(emails[0]!.at)).toBe("Mon 2 Mar 09:30");
    expect(local(emails[1]!.at)).toBe("Thu 5 Mar 10:00");

    // The window ends (grace starts) on day 28 at the time of the failure; the final action runs three days later.
    const grace = funds.events.find((e) => e.kind === "grace")!;
    expect(grace).toMatchObject({ day: 28, graceDays: 3 });
    expect(local(grace.at)).toBe("Mon 30 Mar 09:30");
    expect(funds.events.at(-1)).toMatchObject({ kind: "final", day: 31, action: "cancel" });
    expect(local(funds.events.at(-1)!.at)).toBe("Thu 2 Apr 09:30");
    const times = funds.events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("never retries a hard decline, and follows each group's own strategy", async () => {
    const result = await preview(defaultPolicy);
    if (!result.ok) throw new Error("expected a preview");
    const byId = Object.fromEntries(result.preview.groups.map((g) => [g.id, g]));
    expect(Object.keys(byId)).toEqual(["insufficient_funds", "temporary", "generic", "other_soft", "hard"]);
    expect(byId.hard!.events.some((e) => e.kind === "retry")).toBe(false);
    expect(byId.hard!.noRetriesReason).toBe("hard");
    expect(byId.hard!.events.filter((e) => e.kind === "email")).toHaveLength(6);
    // "soon": one hour, six hours, a day after the failure.
    const temporary = byId.temporary!.events.filter((e) => e.kind === "retry").map((e) => local(e.at));
    expect(temporary).toEqual(["Mon 2 Mar 10:30", "Mon 2 Mar 15:30", "Tue 3 Mar 09:30"]);
    // "backoff": days 3, 7, 14, 21 at the retry hour.
    expect(byId.generic!.events.filter((e) => e.kind === "retry").map((e) => e.day)).toEqual([3, 7, 14, 21]);
  });

  it("has no retries in outreach-only mode, and moves the first email after the first retry when asked to", async () => {
    const outreach = await preview({ ...editable(), outreachOnly: true });
    if (!outreach.ok) throw new Error("expected a preview");
    for (const group of outreach.preview.groups) expect(group.events.some((e) => e.kind === "retry")).toBe(false);
    expect(outreach.preview.groups[0]!.noRetriesReason).toBe("outreach_only");

    const waiting = await preview({ ...editable(), waitForFirstRetry: true });
    if (!waiting.ok) throw new Error("expected a preview");
    const funds = waiting.preview.groups.find((g) => g.id === "insufficient_funds")!;
    const firstEmail = funds.events.find((e) => e.kind === "email" && e.number === 1)!;
    // The first retry (Fri 6 Mar 10:00) comes after email 2 (Thu 5 Mar 10:00): the first email waits, but
    // only until just before email 2, so the series stays in order.
    expect(local(firstEmail.at)).toBe("Thu 5 Mar 09:59");
    expect(firstEmail).toMatchObject({ afterRetry: true });
    // Nothing to wait for without a retry: the hard decline's email goes at once.
    const hard = waiting.preview.groups.find((g) => g.id === "hard")!;
    expect(hard.events.find((e) => e.kind === "email")).toMatchObject({ afterRetry: false, day: 0 });
  });

  it("previews a policy sent without email bodies, and reports an invalid one with paths", async () => {
    const policy = editable();
    const withoutBodies = { ...policy, emails: policy.emails.map(({ body: _body, ...step }) => step) };
    expect((await preview(withoutBodies)).ok).toBe(true);

    const invalid = await preview({ ...withoutBodies, windowDays: 20 });
    expect(invalid).toEqual({
      ok: false,
      errors: [
        { path: "emails.4.day", message: expect.stringContaining("Email 5 is on day 21, after the 20-day recovery window ends") },
        { path: "emails.5.day", message: expect.stringContaining("Email 6 is on day 28, after the 20-day recovery window ends") },
      ],
    });
  });

  it("rejects an unknown time zone or a malformed time", async () => {
    const call = (input: { openedAt?: string; timezone?: string }) =>
      callerFor(owner)
        .sequence.preview({ workspaceId, policy: defaultPolicy, ...input })
        .then(() => "OK")
        .catch((e: unknown) => (e instanceof TRPCError ? e.code : "other"));
    expect(await call({ timezone: "Mars/Olympus" })).toBe("BAD_REQUEST");
    expect(await call({ openedAt: "next tuesday" })).toBe("BAD_REQUEST");
    expect(await call({})).toBe("OK");
  });
});
