/** Words for the Sequences page: one place, so the form, the preview and the history agree. */
import type { FinalAction, Placeholder, RetryStrategy, Tone } from "@/server/recovery/policy";
import type { RetryGroup } from "./draft";

export const retryGroupCopy: Record<RetryGroup, { label: string; hint: string }> = {
  insufficient_funds: {
    label: "Insufficient funds",
    hint: "The card is short of funds or over its limit. Retrying around paydays works best.",
  },
  temporary: {
    label: "Temporary",
    hint: "The bank or card network had a passing problem, such as a processing error.",
  },
  generic: {
    label: "Generic",
    hint: "The bank declined without saying why (do not honor, generic decline), and codes Reclaim does not know.",
  },
  other_soft: {
    label: "Other soft declines",
    hint: "Possible duplicates and amount problems (checked before each retry), and any other soft decline.",
  },
};

export const strategyCopy: Record<RetryStrategy, { label: string; hint: string }> = {
  payday: { label: "Payday-aware", hint: "The first Friday, then the 1st and 15th of each month, at the retry hour." },
  backoff: { label: "Backoff", hint: "Days 3, 7, 14 and 21, then weekly, at the retry hour." },
  standard: { label: "Steady", hint: "Days 1, 3, 5, 7, 10, 14, 18, 21, 25 and 28, at the retry hour." },
  soon: { label: "Soon", hint: "1 hour, 6 hours and 1 day after the failure, then days 3, 5 and 7, then every 3 days." },
  none: { label: "Don't retry", hint: "Emails only. The charge is retried when the customer updates their card." },
};

export const toneCopy: Record<Tone, { label: string; hint: string }> = {
  friendly: { label: "Friendly", hint: "Your words and the update button, nothing else." },
  reminder: { label: "Reminder", hint: "Like friendly, with a firmer button: “Update payment method”." },
  urgent: { label: "Urgent", hint: "Adds an amber “Action needed” banner with the date of the final action." },
  final: { label: "Final", hint: "Adds a red “Final notice” banner saying what happens, and when." },
};

export const finalActionCopy: Record<FinalAction, { label: string; short: string; hint: string }> = {
  cancel: {
    label: "Cancel the subscription",
    short: "cancel the subscription",
    hint: "The subscription ends in your billing system; the customer has to subscribe again.",
  },
  pause: {
    label: "Pause the subscription",
    short: "pause the subscription",
    hint: "Access stops but the subscription is kept, so the customer can pick up where they left off.",
  },
  mark_uncollectible: {
    label: "Mark the invoice uncollectible",
    short: "mark the invoice uncollectible",
    hint: "The invoice is written off and the subscription is left unpaid: no more charges for it.",
  },
  leave_past_due: {
    label: "Leave it past due",
    short: "leave the subscription past due",
    hint: "Reclaim stops; the invoice and subscription stay past due for you to handle.",
  },
};

export const placeholderCopy: Record<Placeholder, string> = {
  customer_name: "The customer's name, or “there” when it is unknown.",
  amount: "What is owed, with its currency, across all of the customer's unpaid invoices.",
  merchant_name: "Your brand name, from Branding.",
  update_link: "The secure link to the page where the customer puts a new card on file.",
  reason: "Why the payment failed, in plain words: “your card on file has expired”.",
  due_date: "The date the final action runs if nothing changes.",
};

export const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
