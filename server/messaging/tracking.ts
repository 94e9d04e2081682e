import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { cardUpdateLinks, outboxMessages } from "@/server/db/schema";
import { dunningMessageKey } from "@/server/recovery/actions";
import { addTimeline, workspaceNow } from "@/server/recovery/context";
import type { RecoveryDeps } from "@/server/recovery/ports";

/**
 * Email engagement: opens (a one-pixel image in the email) and clicks (a visit
 * to the card-update page through the email's link). Each message keeps its
 * first open and click and a count of each; the first of each also goes on the
 * customer's timeline. The sandbox's simulated customers report through the
 * same functions, so a demo's figures come out of the same code as real ones.
 *
 * Opens are only "where known": a mail client that blocks images never
 * reports one, and privacy proxies (Apple Mail) fetch every image whether the
 * customer read the email or not.
 */

/** Path of the open pixel; the id is random and unguessable, and is the only thing it reveals. */
export const OPEN_PIXEL_PATH = "/api/t/o/";

export function newTrackingId(): string {
  return crypto.randomBytes(18).toString("base64url");
}

export function openPixelUrl(appUrl: string, trackingId: string): string {
  return `${appUrl.replace(/\/+$/, "")}${OPEN_PIXEL_PATH}${trackingId}`;
}

export const isTrackingId = (id: string) => /^[A-Za-z0-9_-]{16,64}$/.test(id);

/**
 * The email's HTML without its open pixel, for showing it to the merchant in
 * the console: their looking at it is not the customer opening it.
 */
export function withoutOpenPixel(html: string): string {
  return html.replace(/<img\b[^>]*\bsrc="[^"]*\/api\/t\/o\/[A-Za-z0-9_-]+"[^>]*>/g, "");
}

type Touched = { id: string; workspaceId: string | null; metadata: Record<string, string>; subject: string; first: boolean };

function describeStep(metadata: Record<string, string>): string {
  return metadata.step ? `email ${metadata.step.split("/")[0]}` : "an email";
}

async function noteOnTimeline(deps: Pick<RecoveryDeps, "db" | "clock">, touched: Touched, kind: "email_opened" | "link_clicked", at: Date) {
  const threadId = touched.metadata.threadId;
  if (!touched.first || !touched.workspaceId || !threadId) return;
  const what = describeStep(touched.metadata);
  await addTimeline(deps.db, {
    workspaceId: touched.workspaceId,
    threadId,
    at,
    actor: "customer",
    kind,
    summary:
      kind === "email_opened"
        ? `The customer opened ${what} ("${touched.subject}").`
        : `The customer followed the card-update link in ${what} ("${touched.subject}").`,
    // Not `messageId`: the outbox list finds an email's sending event by that key.
    data: { emailId: touched.id },
    dedupeKey: `${kind}:${touched.id}`,
  });
}

/** The open pixel was fetched. Unknown ids are ignored (the pixel answers the same either way). */
export async function recordOpen(
  deps: Pick<RecoveryDeps, "db" | "clock">,
  args: { trackingId: string } | { messageId: string },
): Promise<{ recorded: boolean; first: boolean }> {
  if ("trackingId" in args && !isTrackingId(args.trackingId)) return { recorded: false, first: false };
  const where = "trackingId" in args ? eq(outboxMessages.trackingId, args.trackingId) : eq(outboxMessages.id, args.messageId);
  const [message] = await deps.db.select({ workspaceId: outboxMessages.workspaceId }).from(outboxMessages).where(where);
  if (!message) return { recorded: false, first: false };
  const at = message.workspaceId ? await workspaceNow(deps, message.workspaceId) : deps.clock.now();
  const [touched] = await deps.db
    .update(outboxMessages)
    .set({
      openCount: sql`${outboxMessages.openCount} + 1`,
      firstOpenedAt: sql`coalesce(${outboxMessages.firstOpenedAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(where)
    .returning({
      id: outboxMessages.id,
      workspaceId: outboxMessages.workspaceId,
      metadata: outboxMessages.metadata,
      subject: outboxMessages.subject,
      openCount: outboxMessages.openCount,
    });
  if (!touched) return { recorded: false, first: false };
  const first = touched.openCount === 1;
  await noteOnTimeline(deps, { ...touched, first }, "email_opened", at);
  return { recorded: true, first };
}

/**
 * The customer reached the card-update page through a link. The email that
 * carried the link counts a click, and an open too if the pixel never
 * reported one (the customer read it to click).
 */
export async function recordLinkVisit(
  deps: Pick<RecoveryDeps, "db" | "clock">,
  args: { linkId: string },
): Promise<{ recorded: boolean; first: boolean }> {
  const [link] = await deps.db
    .select({ workspaceId: cardUpdateLinks.workspaceId, messageKey: cardUpdateLinks.messageKey })
    .from(cardUpdateLinks)
    .where(eq(cardUpdateLinks.id, args.linkId));
  if (!link?.messageKey) return { recorded: false, first: false };
  const at = await workspaceNow(deps, link.workspaceId);
  const stamp = sql`${at.toISOString()}::timestamptz`;
  const [touched] = await deps.db
    .update(outboxMessages)
    .set({
      clickCount: sql`${outboxMessages.clickCount} + 1`,
      firstClickedAt: sql`coalesce(${outboxMessages.firstClickedAt}, ${stamp})`,
      openCount: sql`greatest(${outboxMessages.openCount}, 1)`,
      firstOpenedAt: sql`coalesce(${outboxMessages.firstOpenedAt}, ${stamp})`,
    })
    .where(and(eq(outboxMessages.workspaceId, link.workspaceId), eq(outboxMessages.idempotencyKey, dunningMessageKey(link.messageKey))))
    .returning({
      id: outboxMessages.id,
      workspaceId: outboxMessages.workspaceId,
      metadata: outboxMessages.metadata,
      subject: outboxMessages.subject,
      clickCount: outboxMessages.clickCount,
    });
  if (!touched) return { recorded: false, first: false };
  const first = touched.clickCount === 1;
  await noteOnTimeline(deps, { ...touched, first }, "link_clicked", at);
  return { recorded: true, first };
}
