/**
 * Which reporting channel a recovered case is credited to, on the Analytics
 * page. Pure: no database, so the rules are unit-tested and printed on the
 * page word for word (`ATTRIBUTION_RULES`).
 *
 * What the recovery domain records when it closes a case as recovered
 * (`markCaseRecovered` in server/recovery/close.ts):
 * - `recovered_via`: the charge that collected the money: Reclaim's retry, the
 *   billing provider's own retry, a charge after the customer put a new card
 *   on file through a card-update page (`card_update`), a charge after the
 *   card network's automatic updater supplied new card details
 *   (`card_updater`), or the invoice found paid some other way (`out_of_band`);
 * - for a card update, the card-update link's origin: the email step's day
 *   (`attributed_email_day`) and the scheduled action's idempotency key
 *   (`attributed_message_id`). The message itself is the outbox row whose
 *   idempotency key is `dunningMessageKey(action key)` (server/recovery/actions.ts),
 *   and its `channel` says whether it was an email or an SMS.
 *
 * Decisions, written into the rules below:
 * - A message is credited only when its link was used: a Reclaim retry that
 *   succeeds after emails went out counts as "Our retry", because the retry
 *   collected the money and nothing records that the email caused it.
 * - The card network's automatic updater and a card update that no message's
 *   link led to are both "Card update": a new card on file that no message
 *   brought.
 * - SMS: Reclaim does not send SMS yet (the outbox has an `sms` channel, but no
 *   action sends one), so no case can be credited to SMS today. The rule is in
 *   place so that SMS recoveries are counted once SMS messages are sent.
 *
 * Every recovered case matches exactly one rule (the rules do not overlap;
 * attribution.test.ts checks every combination).
 */
import type { RecoveryChannel } from "@/server/db/schema";

export const reportingChannels = ["our_retry", "provider_retry", "card_update", "email", "sms", "outside"] as const;
export type ReportingChannel = (typeof reportingChannels)[number];

export const reportingChannelLabels: Record<ReportingChannel, string> = {
  our_retry: "Our retry",
  provider_retry: "Provider's retry",
  card_update: "Card update",
  email: "Email",
  sms: "SMS",
  outside: "Outside Reclaim",
};

/** What a recovered case records about how it was paid (columns of recovery_cases), and the channel of its attributed message. */
export type AttributionInput = {
  /** Null only for a row written outside the recovery domain, which always records it. */
  recoveredVia: RecoveryChannel | null;
  /** The email step (its day) whose link the customer used, when one did. */
  attributedEmailDay: number | null;
  /** The scheduled action's idempotency key of the message whose link the customer used. */
  attributedMessageId: string | null;
  /** The outbox channel of that message, when its outbox row was found. */
  messageChannel: "email" | "sms" | null;
};

/**
 * What the rules look at: the channel recorded, whether a message's link is
 * recorded as the way the customer came, and that message's channel. The
 * Analytics query groups recovered cases by exactly these facts.
 */
export type AttributionFacts = {
  recoveredVia: RecoveryChannel | null;
  messageRecorded: boolean;
  messageChannel: "email" | "sms" | null;
};

export function attributionFacts(input: AttributionInput): AttributionFacts {
  return {
    recoveredVia: input.recoveredVia,
    messageRecorded: input.attributedMessageId !== null || input.attributedEmailDay !== null,
    messageChannel: input.messageChannel,
  };
}

export type AttributionRule = {
  channel: ReportingChannel;
  label: string;
  /** The rule in plain words, printed on the page. */
  rule: string;
  matches: (facts: AttributionFacts) => boolean;
};

/** The rules, in the order of the page's table. Exactly one matches any recovered case. */
export const ATTRIBUTION_RULES: readonly AttributionRule[] = [
  {
    channel: "our_retry",
    label: reportingChannelLabels.our_retry,
    rule: "A retry Reclaim scheduled and made was paid. This holds even when dunning emails had gone out before it: an email is credited only when its link was used.",
    matches: (i) => i.recoveredVia === "reclaim_retry",
  },
  {
    channel: "provider_retry",
    label: reportingChannelLabels.provider_retry,
    rule: "The billing provider's own automatic retry was paid.",
    matches: (i) => i.recoveredVia === "provider_retry",
  },
  {
    channel: "card_update",
    label: reportingChannelLabels.card_update,
    rule: "A new card that no message brought was charged: the card network's automatic updater supplied new card details, or the customer put a new card on file without following a message's link.",
    matches: (i) => i.recoveredVia === "card_updater" || (i.recoveredVia === "card_update" && !i.messageRecorded),
  },
  {
    channel: "email",
    label: reportingChannelLabels.email,
    rule: "The customer followed the card-update link of a dunning email, put a new card on file, and the charge that followed was paid.",
    matches: (i) => i.recoveredVia === "card_update" && i.messageRecorded && i.messageChannel !== "sms",
  },
  {
    channel: "sms",
    label: reportingChannelLabels.sms,
    rule: "The customer followed the card-update link of an SMS, put a new card on file, and the charge that followed was paid. Reclaim does not send SMS yet, so this row stays at zero until SMS messages are sent.",
    matches: (i) => i.recoveredVia === "card_update" && i.messageRecorded && i.messageChannel === "sms",
  },
  {
    channel: "outside",
    label: reportingChannelLabels.outside,
    rule: "The invoice was paid some other way than the retries and card updates above (for example by bank transfer), or was found already paid when Reclaim went to retry it. A recovered case that does not record how it was paid counts here too.",
    matches: (i) => i.recoveredVia === "out_of_band" || i.recoveredVia === null,
  },
];

/** Said under the channel table while no SMS can have been sent. */
export const SMS_NOTE =
  "SMS: Reclaim does not send SMS messages yet, so no recovery is credited to SMS. Recoveries will be attributed to SMS when SMS messages are sent.";

/** The reporting channel of the facts: the channel of the one rule that matches them. */
export function attributeFacts(facts: AttributionFacts): ReportingChannel {
  const rule = ATTRIBUTION_RULES.find((r) => r.matches(facts));
  // Unreachable for any RecoveryChannel (the test checks every combination); a new enum value would land here.
  if (!rule) throw new Error(`No attribution rule for a case recovered via "${String(facts.recoveredVia)}".`);
  return rule.channel;
}

/** The reporting channel of a recovered case. */
export function attributeRecovery(input: AttributionInput): ReportingChannel {
  return attributeFacts(attributionFacts(input));
}
