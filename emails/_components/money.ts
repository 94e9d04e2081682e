/**
 * Money and dates as a customer reads them. Amounts are integer minor units with a currency code
 * (the billing provider's convention); they are only turned into a decimal here, for display.
 */

/** What a customer's locale falls back to when it is missing or not a valid BCP 47 tag. */
export const FALLBACK_LOCALE = "en-US";

/**
 * Currencies whose minor unit at the billing provider differs from the digits they are shown with.
 * Stripe keeps ISK two-decimal in its API (100 = 1 króna) although ISK is shown without decimals.
 */
const providerExponentOverrides: Readonly<Record<string, number>> = { ISK: 2 };

/** A locale Intl accepts: the given one when it is valid, else the fallback. */
export function safeLocale(locale: string | null | undefined): string {
  if (!locale) return FALLBACK_LOCALE;
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

/** A timezone Intl accepts: the given IANA name when it is valid, else UTC. */
export function safeTimeZone(timezone: string | null | undefined): string {
  if (!timezone) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return timezone;
  } catch {
    return "UTC";
  }
}

function isCurrencyCode(currency: string): boolean {
  if (!/^[A-Z]{3}$/.test(currency)) return false;
  try {
    new Intl.NumberFormat("en", { style: "currency", currency });
    return true;
  } catch {
    return false;
  }
}

/** How many decimals a currency is shown with (USD 2, JPY 0, KWD 3), from Intl's currency data. */
export function displayDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (!isCurrencyCode(code)) return 2;
  return new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units per major unit, as a power of ten: 2 for USD (cents), 0 for JPY, 3 for KWD, 2 for ISK. */
export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  return providerExponentOverrides[code] ?? displayDigits(code);
}

/** An integer amount of minor units as an exact decimal string ("4900", 2 → "49.00"); no float arithmetic. */
function toDecimalString(amountMinor: number, exponent: number): `${number}` {
  const minor = Math.round(amountMinor);
  if (!Number.isSafeInteger(minor)) return `${minor / 10 ** exponent}`;
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor));
  if (exponent === 0) return `${sign}${digits}` as `${number}`;
  const padded = digits.padStart(exponent + 1, "0");
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}` as `${number}`;
}

/**
 * `formatMoney(4900, "usd", "en-US")` → "$49.00"; `formatMoney(4900, "jpy", "en-US")` → "¥4,900".
 * An unknown currency code is shown as the number followed by the code rather than failing the email.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const loc = safeLocale(locale);
  if (!isCurrencyCode(code)) {
    const value = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      toDecimalString(amountMinor, 2),
    );
    return `${value} ${code}`;
  }
  const formatter = new Intl.NumberFormat(loc, { style: "currency", currency: code });
  return formatter.format(toDecimalString(amountMinor, currencyExponent(code)));
}

export type MoneyAmount = { amount: number; currency: string };

/**
 * Sums amounts per currency, never across currencies. Currencies keep the order they first appear
 * in, and their codes are upper-cased.
 */
export function totalsByCurrency(lines: readonly MoneyAmount[]): MoneyAmount[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const code = line.currency.toUpperCase();
    totals.set(code, (totals.get(code) ?? 0) + Math.round(line.amount));
  }
  return Array.from(totals, ([currency, amount]) => ({ currency, amount }));
}

/** The total owed as one phrase: "$49.00", or "$49.00 and ¥4,900" when it is in several currencies. */
export function formatTotals(lines: readonly MoneyAmount[], locale: string): string {
  const parts = totalsByCurrency(lines).map((t) => formatMoney(t.amount, t.currency, locale));
  return new Intl.ListFormat(safeLocale(locale), { style: "long", type: "conjunction" }).format(parts);
}

/** A calendar date in the reader's timezone and locale: "July 4, 2025" (en-US), "4. Juli 2025" (de-DE). */
export function formatDate(date: Date, timezone: string, locale: string): string {
  return new Intl.DateTimeFormat(safeLocale(locale), { dateStyle: "long", timeZone: safeTimeZone(timezone) }).format(date);
}
