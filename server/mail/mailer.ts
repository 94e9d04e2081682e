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
};

export type Mailer = {
  readonly transport: EmailTransport["name"];
  send(email: OutgoingEmail): Promise<{ message: OutboxMessage; duplicate: boolean }>;
};

/**
 * Records every email in the outbox table and hands it to the transport.
 * The row is written first under its idempotency key, so two racing sends
 * deliver once; a delivery that fails removes the row so a retry can send again
 * (the transport's own idempotency key covers a failure after delivery).
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
          from,
          subject: email.subject,
          html: email.html,
          text: email.text,
          metadata: email.metadata ?? {},
        })
        .onConflictDoNothing({ target: outboxMessages.idempotencyKey })
        .returning();
      if (!inserted) {
        const [existing] = await db
          .select()
          .from(outboxMessages)
          .where(eq(outboxMessages.idempotencyKey, email.idempotencyKey));
        if (!existing) throw new Error(`Email ${email.idempotencyKey} vanished while being sent`);
        return { message: existing, duplicate: true };
      }
      try {
        const { providerMessageId } = await transport.deliver({
          idempotencyKey: email.idempotencyKey,
          from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
        });
        if (providerMessageId) {
          await db.update(outboxMessages).set({ providerMessageId }).where(eq(outboxMessages.id, inserted.id));
        }
        return { message: { ...inserted, providerMessageId }, duplicate: false };
      } catch (error) {
        await db.delete(outboxMessages).where(eq(outboxMessages.id, inserted.id));
        throw error;
      }
    },
  };
}
