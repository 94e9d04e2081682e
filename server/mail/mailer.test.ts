import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxMessages } from "@/server/db/schema";
import { createMailer, EmailInFlightError, IN_FLIGHT_MS, senderWithName, type OutgoingEmail } from "@/server/mail/mailer";
import { EmailDeliveryError, outboxTransport, type EmailEnvelope, type EmailTransport } from "@/server/mail/transport";
import { createWorkspace } from "@/server/queries/workspaces";
import { createTestUser, openTestDatabase } from "@/server/testing/database";

const database = await openTestDatabase();
const db = database.db;
const FROM = "Acme Billing <billing@acme.test>";

/** A transport that records what it is asked to deliver; its behaviour per call is scripted. */
function fakeTransport(behaviour: (envelope: EmailEnvelope, call: number) => Promise<{ providerMessageId: string | null }>) {
  const delivered: EmailEnvelope[] = [];
  const transport: EmailTransport & { delivered: EmailEnvelope[] } = {
    name: "resend",
    delivered,
    async deliver(envelope) {
      delivered.push(envelope);
      return behaviour(envelope, delivered.length);
    },
  };
  return transport;
}

const key = (label: string) => `${label}:${crypto.randomBytes(8).toString("hex")}`;

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    idempotencyKey: key("test"),
    kind: "test",
    to: "customer@example.com",
    subject: "Your card was declined",
    html: "<p>Please update your card</p>",
    text: "Please update your card",
    ...overrides,
  };
}

const rowsFor = (idempotencyKey: string) =>
  db.select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, idempotencyKey));

let workspaceId: string;

beforeAll(async () => {
  const owner = await createTestUser(database, "mail-owner");
  workspaceId = (await createWorkspace(db, { name: "Mailer Test", ownerId: owner.id })).id;
});

describe("createMailer", () => {
  it("records the email in the outbox and hands the transport the envelope", async () => {
    const transport = fakeTransport(async () => ({ providerMessageId: "re_msg_1" }));
    const mailer = createMailer(db, transport, FROM);
    expect(mailer.transport).toBe("resend");
    const outgoing = email({ workspaceId, kind: "dunning", metadata: { invoice: "in_123" } });

    const result = await mailer.send(outgoing);

    expect(result.duplicate).toBe(false);
    expect(transport.delivered).toEqual([
      {
        idempotencyKey: outgoing.idempotencyKey,
        from: FROM,
        to: outgoing.to,
        replyTo: null,
        subject: outgoing.subject,
        html: outgoing.html,
        text: outgoing.text,
      },
    ]);
    const rows = await rowsFor(outgoing.idempotencyKey);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      id: result.message.id,
      idempotencyKey: outgoing.idempotencyKey,
      kind: "dunning",
      workspaceId,
      channel: "email",
      transport: "resend",
      to: outgoing.to,
      from: FROM,
      subject: outgoing.subject,
      html: outgoing.html,
      text: outgoing.text,
      metadata: { invoice: "in_123" },
      providerMessageId: "re_msg_1",
    });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(result.message.providerMessageId).toBe("re_msg_1");
  });

  it("records system mail with no workspace, empty metadata and no provider id (sandbox outbox)", async () => {
    const mailer = createMailer(db, outboxTransport, FROM);
    expect(mailer.transport).toBe("outbox");
    const outgoing = email({ kind: "sign-in" });
    const result = await mailer.send(outgoing);
    expect(result.duplicate).toBe(false);
    const [row] = await rowsFor(outgoing.idempotencyKey);
    expect(row).toMatchObject({ transport: "outbox", workspaceId: null, metadata: {}, providerMessageId: null, kind: "sign-in" });
    expect(result.message.providerMessageId).toBeNull();
  });

  it("delivers once for the same idempotency key and returns the first email as a duplicate", async () => {
    const transport = fakeTransport(async (_e, call) => ({ providerMessageId: `re_${call}` }));
    const mailer = createMailer(db, transport, FROM);
    const first = email();

    const one = await mailer.send(first);
    const two = await mailer.send({ ...first, subject: "A different subject", to: "someone-else@example.com" });

    expect(transport.delivered).toHaveLength(1);
    expect(one.duplicate).toBe(false);
    expect(two.duplicate).toBe(true);
    expect(two.message.id).toBe(one.message.id);
    // The duplicate reports what was actually sent, not the second request.
    expect(two.message.subject).toBe(first.subject);
    expect(two.message.to).toBe(first.to);
    expect(two.message.providerMessageId).toBe("re_1");
    expect(await rowsFor(first.idempotencyKey)).toHaveLength(1);
  });

  it("treats the key as global: a second mailer with another transport does not send it again", async () => {
    const a = fakeTransport(async () => ({ providerMessageId: "re_a" }));
    const b = fakeTransport(async () => ({ providerMessageId: "re_b" }));
    const outgoing = email();
    await createMailer(db, a, FROM).send(outgoing);
    const again = await createMailer(db, b, FROM).send(outgoing);
    expect(again.duplicate).toBe(true);
    expect(a.delivered).toHaveLength(1);
    expect(b.delivered).toHaveLength(0);
  });

  it("delivers different keys separately", async () => {
    const transport = fakeTransport(async () => ({ providerMessageId: null }));
    const mailer = createMailer(db, transport, FROM);
    const results = [await mailer.send(email()), await mailer.send(email())];
    expect(results.map((r) => r.duplicate)).toEqual([false, false]);
    expect(transport.delivered).toHaveLength(2);
    expect(results[0]!.message.id).not.toBe(results[1]!.message.id);
  });

  it("delivers once when two sends with the same key race", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transport = fakeTransport(async () => {
      await gate; // hold the first delivery open while the second send runs
      return { providerMessageId: "re_race" };
    });
    const mailer = createMailer(db, transport, FROM);
    const outgoing = email();

    const first = mailer.send(outgoing);
    const second = mailer.send(outgoing);
    // Either may win the insert (on Postgres they run on separate connections).
    // The loser finds the email in flight and is told to try later, without delivering.
    const loser = await Promise.race([
      first.then(() => "first-finished").catch((e: unknown) => e),
      second.then(() => "second-finished").catch((e: unknown) => e),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000)),
    ]);
    expect(loser).toBeInstanceOf(EmailInFlightError);
    expect(transport.delivered).toHaveLength(1);
    release();
    const settled = await Promise.allSettled([first, second]);
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(1);

    // Once delivered, the same send is a duplicate.
    const later = await mailer.send(outgoing);
    expect(later.duplicate).toBe(true);
    expect(transport.delivered).toHaveLength(1);
    const rows = await rowsFor(outgoing.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.providerMessageId).toBe("re_race");
    expect(rows[0]!.status).toBe("sent");
  });

  it("delivers an email a crashed process left unsent, once", async () => {
    const transport = fakeTransport(async () => ({ providerMessageId: "re_recovered" }));
    const mailer = createMailer(db, transport, FROM);
    const outgoing = email();
    // The row a process wrote before dying, minutes ago, never delivered.
    await db.insert(outboxMessages).values({
      idempotencyKey: outgoing.idempotencyKey,
      kind: outgoing.kind,
      transport: "resend",
      to: outgoing.to,
      from: FROM,
      subject: outgoing.subject,
      html: outgoing.html,
      text: outgoing.text,
      status: "sending",
      createdAt: new Date(Date.now() - IN_FLIGHT_MS - 1_000),
    });
    const result = await mailer.send(outgoing);
    expect(result.duplicate).toBe(false);
    expect(transport.delivered).toHaveLength(1);
    expect((await mailer.send(outgoing)).duplicate).toBe(true);
    expect(transport.delivered).toHaveLength(1);
    expect((await rowsFor(outgoing.idempotencyKey))[0]!.status).toBe("sent");
  });

  it("delivers once when many sends with the same key race", async () => {
    const transport = fakeTransport(async () => ({ providerMessageId: "re_many" }));
    const mailers = Array.from({ length: 5 }, () => createMailer(db, transport, FROM));
    const outgoing = email();
    const settled = await Promise.allSettled(mailers.map((m) => m.send(outgoing)));
    expect(transport.delivered).toHaveLength(1);
    // One send delivers; the others either find it sent (duplicate) or still in flight (try later), never a second delivery.
    const delivered = settled.filter((r) => r.status === "fulfilled" && !r.value.duplicate);
    expect(delivered).toHaveLength(1);
    for (const r of settled) {
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(EmailInFlightError);
    }
    const ids = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value.message.id] : []));
    expect(new Set(ids).size).toBe(1);
    expect(await rowsFor(outgoing.idempotencyKey)).toHaveLength(1);
  });

  it("removes the row when the transport throws, so a retry delivers", async () => {
    const failure = new EmailDeliveryError("Resend is down", true);
    const transport = fakeTransport(async (_e, call) => {
      if (call === 1) throw failure;
      return { providerMessageId: "re_retry" };
    });
    const mailer = createMailer(db, transport, FROM);
    const outgoing = email();

    await expect(mailer.send(outgoing)).rejects.toBe(failure);
    expect(await rowsFor(outgoing.idempotencyKey)).toHaveLength(0);

    const retry = await mailer.send(outgoing);
    expect(retry.duplicate).toBe(false);
    expect(transport.delivered).toHaveLength(2);
    expect(transport.delivered[1]!.idempotencyKey).toBe(outgoing.idempotencyKey);
    const rows = await rowsFor(outgoing.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.providerMessageId).toBe("re_retry");
    expect(retry.message.id).toBe(rows[0]!.id);

    // Once delivered, it is not delivered again.
    expect((await mailer.send(outgoing)).duplicate).toBe(true);
    expect(transport.delivered).toHaveLength(2);
  });

  it("leaves other emails alone when one delivery fails", async () => {
    const transport = fakeTransport(async (envelope) => {
      if (envelope.to === "bounce@example.com") throw new Error("refused");
      return { providerMessageId: "re_ok" };
    });
    const mailer = createMailer(db, transport, FROM);
    const good = email();
    await mailer.send(good);
    const bad = email({ to: "bounce@example.com" });
    await expect(mailer.send(bad)).rejects.toThrow("refused");
    expect(await rowsFor(good.idempotencyKey)).toHaveLength(1);
    expect(await rowsFor(bad.idempotencyKey)).toHaveLength(0);
  });
});

describe("senderWithName", () => {
  it("shows the merchant's name with the configured address", () => {
    expect(senderWithName("Reclaim <no-reply@reclaim.local>", "Acme Cloud")).toBe('"Acme Cloud" <no-reply@reclaim.local>');
    expect(senderWithName("billing@acme.test", "Acme")).toBe('"Acme" <billing@acme.test>');
  });

  it("keeps the configured sender without a name", () => {
    expect(senderWithName("Reclaim <no-reply@reclaim.local>", null)).toBe("Reclaim <no-reply@reclaim.local>");
    expect(senderWithName("Reclaim <no-reply@reclaim.local>", "  ")).toBe("Reclaim <no-reply@reclaim.local>");
  });

  it("cannot be used to add header lines or break the quoting", () => {
    const from = senderWithName("Reclaim <no-reply@reclaim.local>", 'Evil"\r\nBcc: victim@example.com');
    expect(from).not.toMatch(/[\r\n]/);
    expect(from).toBe('"Evil Bcc: victim@example.com" <no-reply@reclaim.local>');
  });
});
