import "server-only";
import { cache } from "react";
import { getBranding } from "@/server/messaging/branding";
import { recordLinkVisit } from "@/server/messaging/tracking";
import { listOpenInvoicesOfThread } from "@/server/queries/card-update-page";
import { resolveCardUpdateLink, type ResolvedLink } from "@/server/recovery/card-update-links";
import { workspaceNow } from "@/server/recovery/context";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { getRecoveryDeps } from "@/server/runtime";
import { accentPalette, formatMoney, safeLocale, totalsByCurrency } from "./format";
import type { InvalidLinkState, Merchant } from "./types";

export type InvoiceLine = { id: string; invoiceNumber: string; amountLabel: string };

export type CardUpdatePageData =
  | { state: "not_found"; merchant: null }
  | { state: Exclude<InvalidLinkState, "not_found">; merchant: Merchant }
  | {
      state: "valid";
      merchant: Merchant;
      mode: "sandbox" | "live";
      customer: { name: string | null; email: string | null };
      invoices: InvoiceLine[];
      /** One total per currency (amounts in different currencies are never added up). */
      totals: { currency: string; amountLabel: string; invoiceCount: number }[];
    };

/** The merchant as the hosted pages show it: their branding, with colours for text and focus derived from the accent. */
export async function merchantOf(deps: Pick<RecoveryDeps, "db">, workspace: NonNullable<ResolvedLink["workspace"]>): Promise<Merchant> {
  const branding = await getBranding(deps.db, workspace.id);
  return {
    name: branding.displayName,
    logoUrl: branding.logoUrl,
    supportEmail: branding.supportEmail,
    palette: accentPalette(branding.accentColor),
    sandbox: workspace.mode === "sandbox",
  };
}

/**
 * Everything the card-update page shows for a token, loaded once per request
 * (the page and its metadata share it).
 */
export const loadCardUpdatePage = cache(async (token: string): Promise<CardUpdatePageData> => {
  const deps = await getRecoveryDeps();
  const resolved = await resolveCardUpdateLink(deps.db, token, (workspaceId) => workspaceNow(deps, workspaceId));
  if (resolved.state === "not_found" || !resolved.workspace || !resolved.link || !resolved.customer) {
    return { state: "not_found", merchant: null };
  }
  // The customer came through the email's link: a click for that email (once per request: this loader is cached).
  await recordLinkVisit(deps, { linkId: resolved.link.id }).catch((error: unknown) => {
    deps.logger.warn("Could not record a card-update link visit", { error: error instanceof Error ? error.message : String(error) });
  });
  const merchant = await merchantOf(deps, resolved.workspace);
  if (resolved.state !== "valid") return { state: resolved.state, merchant };

  const locale = safeLocale(resolved.customer.locale);
  const open = await listOpenInvoicesOfThread(deps.db, { workspaceId: resolved.workspace.id, threadId: resolved.link.threadId });
  return {
    state: "valid",
    merchant,
    mode: resolved.workspace.mode,
    customer: { name: resolved.customer.name, email: resolved.customer.email },
    invoices: open.map((i) => ({ id: i.caseId, invoiceNumber: i.invoiceNumber, amountLabel: formatMoney(i.amount, i.currency, locale) })),
    totals: totalsByCurrency(open).map((t) => ({
      currency: t.currency,
      amountLabel: formatMoney(t.amount, t.currency, locale),
      invoiceCount: open.filter((i) => i.currency.toUpperCase() === t.currency).length,
    })),
  };
});
