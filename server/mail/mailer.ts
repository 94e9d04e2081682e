import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { outboxMessages, type OutboxMessage } from "@/server/db/schema";
import type { EmailTransport } from "./transport";

export type OutgoingEmail = {
  /** Same key, same email: a repeated send returns the first one and delivers nothing. */
  idempotencyKey: string;
  kind: string;
  workspaceId?: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  metadata?: Record<string, string>;
  /** Display name shown as the sender (the merchant's brand); the address stays the configured EMAIL_FROM's. */
  fromName?: string | null;
  /** Where replies go (the merchant's support address). */
  replyTo?: string | null;
  /** The id in the email's open pixel, if it has one. */
  trackingId?: string | null;
  /** The mode of a dunning email (its cases'); null for mail that belongs to no case. */
  livemode?: boolean | null;
  /** When a dunning email goes out on its workspace's clock (see outbox_messages.sent_at). */
  sentAt?: Date | null;
};

/** `"Name" <address>` from the configured sender and a display name, safe for a header. */
export function senderWithName(configuredFrom: string, name: string | null | undefined): string {
  if (!name) return configuredFrom;
  const address = /<([^<>]+)>\s*$/.exec(configuredFrom)?.[1] ?? configuredFrom.trim();
  const clean = name.replace(/[\r\n\t]+/g, " ").replace(/["\\]/g, "").trim().slice(0, 100);
  return clean ? `"${clean}" <${address}>` : configuredFrom;
}

/** How long a "sending" row is taken to be in flight rather than abandoned by a crash. */
export const IN_FLIGHT_MS = 60_000;

/** Another send with the same key is delivering this email right now; try again later. */
export class EmailInFlightError extends Error {
  readonly retryable = true;
  constructor(idempotencyKey: string) {
    super(`The email ${idempotencyKey} is being delivered by another worker`);
    this.name = "EmailInFlightError";
  }
}

export type Mailer = {
  readonly transport: EmailTransport["name"];
  send(email: OutgoingEmail): Promise<{ message: OutboxMessage; duplicate: boolean }>;
};

/**
 * Records every email in the outbox table and hands it to the transport.
 * The row is written first under its idempotency key, so two racing sends
 * deliver once; a delivery that fails removes the row so a retry can send again.
 * A row still "sending" is either in flight (another send is delivering it:
 * this send fails with EmailInFlightError, to be retried later) or, after
 * IN_FLIGHT_MS, left behind by a process that died between writing it and
 * delivering: then this send delivers it, and the transport's own idempotency
 * key keeps the provider from delivering it twice.
 */
export function createMailer(db: Db, transport: EmailTransport, from: string): Mailer {
  return {
    transport: transport.name,
    async send(email) {
      const [inserted] = await db
        .insert(outboxMessages)
        .values({
          idempotencyKey: email.idempotencyKey,
          kind: email.kind,
          workspaceId: email.workspaceId ?? null,
          transport: transport.name,
          to: email.to,
          from: senderWithName(from, email.fromName),
          replyTo: email.replyTo ?? null,
          subject: email.subject,
          html: email.html,
          text: email.text,
          metadata: email.metadata ?? {},
          trackingId: email.trackingId ?? null,
          livemode: email.livemode ?? null,
          sentAt: email.sentAt ?? null,
          status: transport.name === "outbox" ? "sent" : "sending",
        })
        .onConflictDoNothing({ target: outboxMessages.idempotencyKey })
        .returning();
      if (!inserted) {
        const [existing] = await db
          .select()
          .from(outboxMessages)
          .where(eq(outboxMessages.idempotencyKey, email.idempotencyKey));
        if (!existing) throw new Error(`Email ${email.idempotencyKey} vanished while being sent`);
        if (existing.status === "sent") return { message: existing, duplicate: true };
        if (Date.now() - existing.createdAt.getTime() < IN_FLIGHT_MS) throw new EmailInFlightError(email.idempotencyKey);
        return { message: await deliver(existing, false), duplicate: false };
      }
      return { message: await deliver(inserted, true), duplicate: false };
    },
  };

  async function deliver(row: OutboxMessage, removeOnFailure: boolean): Promise<OutboxMessage> {
    if (row.status === "sent") return row;
    try {
      const { providerMessageId } = await transport.deliver({
        idempotencyKey: row.idempotencyKey,
        from: row.from,
        to: row.to,
        replyTo: row.replyTo,
        subject: row.subject,
        html: row.html,
        text: row.text,
      });
      await db.update(outboxMessages).set({ providerMessageId, status: "sent" }).where(eq(outboxMessages.id, row.id));
      return { ...row, providerMessageId, status: "sent" };
    } catch (error) {
      if (removeOnFailure) await db.delete(outboxMessages).where(eq(outboxMessages.id, row.id));
      throw error;
    }
  }
}
