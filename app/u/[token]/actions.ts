"use server";

import { z } from "zod";
import { saveSandboxCard } from "@/server/billing/sandbox/simulate";
import { completeCardUpdate, type InvoicePaymentResult } from "@/server/recovery/card-update";
import { resolveCardUpdateLink } from "@/server/recovery/card-update-links";
import { workspaceNow } from "@/server/recovery/context";
import { getRecoveryDeps } from "@/server/runtime";
import { formatMoney, safeLocale } from "./format";
import type { CardFormState, InvoiceOutcome } from "./types";

// The form as it arrives: strings of bounded length. What a valid card is, saveSandboxCard decides
// (it answers per field); what a valid token is, the link resolver decides.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .catch("");
const cardForm = z.object({ token: text(200), number: text(64), expiry: text(16), cvc: text(8) });

const SOMETHING_WENT_WRONG =
  "We could not update your card because of a problem on our side. Try again in a minute: you will not be charged twice.";

/** Only an http(s) address becomes a link on the page. */
function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function toOutcome(result: InvoicePaymentResult, locale: string): InvoiceOutcome {
  return {
    id: result.caseId,
    invoiceNumber: result.invoiceNumber,
    amountLabel: formatMoney(result.amount, result.currency, locale),
    outcome: result.outcome,
    message: result.message,
    actionUrl: result.outcome === "requires_action" ? httpUrl(result.actionUrl) : null,
  };
}

/**
 * The card form of the hosted page. Checks the link again (it may have expired or been used since
 * the page was shown), turns the card into a payment method of the link's customer, then completes
 * the update: the domain charges every open invoice once, with idempotency keys derived from the
 * link, so a repeated submission charges nothing twice.
 *
 * Card details stay in this function: only the brand and last four digits come back, and nothing
 * from the form is logged.
 */
export async function updateCard(_prev: CardFormState, form: FormData): Promise<CardFormState> {
  const input = cardForm.parse({
    token: form.get("token"),
    number: form.get("number"),
    expiry: form.get("expiry"),
    cvc: form.get("cvc"),
  });
  try {
    const deps = await getRecoveryDeps();
    const resolved = await resolveCardUpdateLink(deps.db, input.token, (workspaceId) => workspaceNow(deps, workspaceId));
    if (resolved.state !== "valid" || !resolved.workspace || !resolved.customer) {
      return { status: "link", state: resolved.state === "valid" ? "not_found" : resolved.state };
    }
    if (resolved.workspace.mode !== "sandbox") {
      // Live workspaces take cards through Stripe's Payment Element, never through this form.
      return { status: "error", message: "Card updates are not available on this page yet. Contact the company that sent you the link." };
    }

    const saved = await saveSandboxCard(deps, {
      workspaceId: resolved.workspace.id,
      customerId: resolved.customer.id,
      number: input.number,
      expiry: input.expiry,
      cvc: input.cvc,
    });
    if (!saved.ok) return { status: "invalid", errors: saved.errors };

    const result = await completeCardUpdate(deps, {
      token: input.token,
      paymentMethodRef: saved.paymentMethodRef,
      paymentMethodLabel: saved.label,
    });
    if (result.state === "busy") {
      return { status: "error", message: "Your card update is already being processed. Wait a moment, then reload this page." };
    }
    if (result.state !== "completed") return { status: "link", state: result.state };
    const locale = safeLocale(resolved.customer.locale);
    return { status: "completed", cardLabel: saved.label, invoices: result.invoices.map((r) => toOutcome(r, locale)) };
  } catch (error) {
    // The error only: the form (with the card number) is never logged.
    console.error("[card-update] updating a card through a link failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    return { status: "error", message: SOMETHING_WENT_WRONG };
  }
}
