import { desc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { outboxMessages } from "@/server/db/schema";

/** The newest messages of the sandbox outbox, optionally for one recipient. Operator-only (dev mailbox). */
export async function listOutbox(db: Db, { to, limit = 100 }: { to?: string; limit?: number }) {
  return db
    .select({
      id: outboxMessages.id,
      kind: outboxMessages.kind,
      to: outboxMessages.to,
      subject: outboxMessages.subject,
      transport: outboxMessages.transport,
      createdAt: outboxMessages.createdAt,
    })
    .from(outboxMessages)
    .where(to ? eq(outboxMessages.to, to.toLowerCase()) : undefined)
    .orderBy(desc(outboxMessages.createdAt))
    .limit(limit);
}

export async function getOutboxMessage(db: Db, { id }: { id: string }) {
  const [message] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id));
  return message ?? null;
}

/** The links of an email's HTML, so the mailbox can list them as plain, clickable links. */
export function extractLinks(html: string): string[] {
  const links = new Set<string>();
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1]!.replaceAll("&amp;", "&");
    if (/^https?:\/\//.test(href)) links.add(href);
  }
  return [...links];
}
