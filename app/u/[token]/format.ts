/**
 * Display helpers of the hosted card-update page. Pure: the page formats on the
 * server and hands the client finished strings, so nothing differs between the
 * server's and the browser's Intl data.
 */

const FALLBACK_LOCALE = "en-US";

/**
 * Currencies whose minor unit at the billing provider differs from the digits they are shown
 * with: Stripe keeps ISK two-decimal in its API (100 = 1 króna) although it is shown without decimals.
 */
const providerExponentOverrides: Readonly<Record<string, number>> = { ISK: 2 };

/** A locale Intl accepts: the customer's when it is valid, else en-US. */
export function safeLocale(locale: string | null | undefined): string {
  if (!locale) return FALLBACK_LOCALE;
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

function currencyFormatter(currency: string, locale: string): Intl.NumberFormat | null {
  if (!/^[A-Z]{3}$/.test(currency)) return null;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency });
  } catch {
    return null;
  }
}

/** An integer of minor units as an exact decimal string ("4900", 2 → "49.00"), without float arithmetic. */
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
 * The number of decimals comes from Intl's currency data; an unknown code shows as "49.00 XYZ".
 */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const loc = safeLocale(locale);
  const formatter = currencyFormatter(code, loc);
  if (!formatter) {
    const value = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(toDecimalString(amountMinor, 2));
    return `${value} ${code}`;
  }
  const exponent = providerExponentOverrides[code] ?? formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(toDecimalString(amountMinor, exponent));
}

/** Totals per currency, never across currencies, in the order the currencies first appear. */
export function totalsByCurrency(lines: readonly { amount: number; currency: string }[]): { amount: number; currency: string }[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const code = line.currency.toUpperCase();
    totals.set(code, (totals.get(code) ?? 0) + Math.round(line.amount));
  }
  return Array.from(totals, ([currency, amount]) => ({ currency, amount }));
}

function channel(hex: string): number {
  const c = Number.parseInt(hex, 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a `#rgb` / `#rrggbb` colour. */
function luminance(color: string): number {
  const hex = color.replace("#", "");
  const full = hex.length === 3 ? hex.replace(/./g, (c) => c + c) : hex;
  return 0.2126 * channel(full.slice(0, 2)) + 0.7152 * channel(full.slice(2, 4)) + 0.0722 * channel(full.slice(4, 6));
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE = "#ffffff";
const INK = "#18181b"; // zinc-900

/**
 * The colours derived from the merchant's accent (already a validated hex colour): text that
 * stays readable on it, and a focus ring that stays visible on white.
 */
export function accentPalette(accent: string): { accent: string; onAccent: string; focus: string } {
  return {
    accent,
    onAccent: contrast(accent, WHITE) >= contrast(accent, INK) ? WHITE : INK,
    focus: contrast(accent, WHITE) >= 3 ? accent : INK,
  };
}
