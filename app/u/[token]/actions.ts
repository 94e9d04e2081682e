"use server";

import { z } from "zod";
import { saveSandboxCard } from "@/server/billing/sandbox/simulate";
import { finishLiveCardUpdate, startLiveCardUpdate, type LiveCardSession } from "@/server/billing/stripe/card-update-page";
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
      // Live workspaces take cards through Stripe's Payment Element (finishStripeCardUpdate), never through this form.
      return { status: "error", message: "This page takes cards through Stripe's secure form. Reload the page." };
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

const liveToken = text(200);
const attemptId = z.string().regex(/^[\w-]{8,64}$/).catch("invalid-attempt");
const setupIntentId = text(255);

/** A live workspace's card form: a SetupIntent on the merchant's Stripe account for Stripe's Payment Element. */
export async function startStripeCardUpdate(token: string, attempt: string): Promise<LiveCardSession | { ok: false; reason: "error"; message: string }> {
  try {
    return await startLiveCardUpdate(await getRecoveryDeps(), { token: liveToken.parse(token), attemptId: attemptId.parse(attempt) });
  } catch (error) {
    console.error("[card-update] starting a Stripe card update failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    return { ok: false, reason: "error", message: "The secure card form could not be prepared. Reload the page in a minute." };
  }
}

/**
 * After Stripe's Payment Element confirmed the SetupIntent in the browser: the outcome is read from
 * Stripe, then every open invoice is charged once with the new card (idempotently, as above).
 */
export async function finishStripeCardUpdate(token: string, setupIntent: string): Promise<CardFormState> {
  try {
    const deps = await getRecoveryDeps();
    const outcome = await finishLiveCardUpdate(deps, { token: liveToken.parse(token), setupIntentId: setupIntentId.parse(setupIntent) });
    if (!outcome.ok) return outcome.reason === "link" ? { status: "link", state: outcome.state } : { status: "error", message: outcome.message };
    if (outcome.result.state === "busy") {
      return { status: "error", message: "Your card update is already being processed. Wait a moment, then reload this page." };
    }
    if (outcome.result.state !== "completed") return { status: "link", state: outcome.result.state };
    const resolved = await resolveCardUpdateLink(deps.db, liveToken.parse(token), (workspaceId) => workspaceNow(deps, workspaceId));
    const locale = safeLocale(resolved.customer?.locale ?? "en-US");
    return { status: "completed", cardLabel: outcome.cardLabel, invoices: outcome.result.invoices.map((r) => toOutcome(r, locale)) };
  } catch (error) {
    console.error("[card-update] finishing a Stripe card update failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    return { status: "error", message: SOMETHING_WENT_WRONG };
  }
}
