/**
 * Words and numbers of the Analytics page. Pure (no server imports), so both
 * the server components and the charts use it; fixed en-US formats so the
 * server and the browser render the same text.
 */
import { compactMoney, formatShare } from "../../overview/_components/overview-format";

export { compactMoney, formatShare };

/** A 95% interval of a share: "30.1% to 95.4%"; "—" when there is none. */
export function formatInterval(interval: { lower: number; upper: number } | null): string {
  return interval ? `${formatShare(interval.lower)} to ${formatShare(interval.upper)}` : "—";
}

/** Whole days: "Under 1 day", "1 day", "12 days"; "—" when unknown. */
export function formatDays(days: number | null): string {
  if (days === null) return "—";
  if (days === 0) return "Under 1 day";
  return days === 1 ? "1 day" : `${days.toLocaleString("en-US")} days`;
}

export const count = (n: number) => n.toLocaleString("en-US");

/** How a sentence names each reporting channel ("… the most through email links"). */
export const channelPhrases: Record<string, string> = {
  our_retry: "Reclaim's retries",
  provider_retry: "the billing provider's retries",
  card_update: "card updates no message led to",
  email: "email links",
  sms: "SMS links",
  outside: "payments outside Reclaim",
};
