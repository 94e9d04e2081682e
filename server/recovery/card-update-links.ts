import crypto from "node:crypto";
import { eq, type SQL } from "drizzle-orm";
import { cardUpdateLinks, customers, dunningThreads, workspaces, type CardUpdateLink } from "@/server/db/schema";
import type { Executor } from "./context";
import type { RecoveryDeps } from "./ports";

export const hashLinkToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** A new single-use link to the hosted card-update page. Only its hash is stored. */
export async function createCardUpdateLink(
  deps: Pick<RecoveryDeps, "db" | "appUrl">,
  args: { workspaceId: string; threadId: string; customerId: string; emailDay: number | null; messageKey: string | null; expiresAt: Date },
  db: Executor = deps.db,
): Promise<{ url: string; token: string; link: CardUpdateLink }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const [link] = await db
    .insert(cardUpdateLinks)
    .values({
      workspaceId: args.workspaceId,
      threadId: args.threadId,
      customerId: args.customerId,
      tokenHash: hashLinkToken(token),
      emailDay: args.emailDay,
      messageKey: args.messageKey,
      expiresAt: args.expiresAt,
    })
    .returning();
  if (!link) throw new Error("The card-update link was not saved");
  return { url: `${deps.appUrl}/u/${token}`, token, link };
}

export type LinkState = "valid" | "expired" | "used" | "settled" | "not_found";

export type ResolvedLink = {
  state: LinkState;
  link: CardUpdateLink | null;
  workspace: { id: string; name: string; mode: "sandbox" | "live" } | null;
  customer: { id: string; externalId: string; email: string | null; name: string | null; timezone: string; locale: string } | null;
};

/**
 * What a card-update link leads to. A link works until it expires or a card
 * update through it completes; once the customer owes nothing, every link of
 * the thread says so instead.
 */
export async function resolveCardUpdateLink(
  db: Executor,
  token: string,
  /** The time for the link's workspace (a sandbox workspace runs on its test clock). */
  nowFor: (workspaceId: string) => Promise<Date>,
): Promise<ResolvedLink> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: "not_found", link: null, workspace: null, customer: null };
  return resolveWhere(db, eq(cardUpdateLinks.tokenHash, hashLinkToken(token)), nowFor);
}

/** The same, by the link's id: for the sandbox's simulated customers, who hold the link without its token. */
export async function resolveCardUpdateLinkById(db: Executor, linkId: string, nowFor: (workspaceId: string) => Promise<Date>): Promise<ResolvedLink> {
  return resolveWhere(db, eq(cardUpdateLinks.id, linkId), nowFor);
}

async function resolveWhere(db: Executor, where: SQL, nowFor: (workspaceId: string) => Promise<Date>): Promise<ResolvedLink> {
  const [row] = await db
    .select({ link: cardUpdateLinks, workspace: workspaces, customer: customers, thread: dunningThreads })
    .from(cardUpdateLinks)
    .innerJoin(workspaces, eq(workspaces.id, cardUpdateLinks.workspaceId))
    .innerJoin(customers, eq(customers.id, cardUpdateLinks.customerId))
    .innerJoin(dunningThreads, eq(dunningThreads.id, cardUpdateLinks.threadId))
    .where(where);
  if (!row) return { state: "not_found", link: null, workspace: null, customer: null };
  const base = {
    link: row.link,
    workspace: { id: row.workspace.id, name: row.workspace.name, mode: row.workspace.mode },
    customer: {
      id: row.customer.id,
      externalId: row.customer.externalId,
      email: row.customer.email,
      name: row.customer.name,
      timezone: row.customer.timezone,
      locale: row.customer.locale,
    },
  };
  if (row.link.usedAt) return { state: "used", ...base };
  if (row.thread.status !== "open") return { state: "settled", ...base };
  if (row.link.expiresAt.getTime() <= (await nowFor(row.workspace.id)).getTime()) return { state: "expired", ...base };
  return { state: "valid", ...base };
}
