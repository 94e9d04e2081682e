"use client";

import { useSyncExternalStore } from "react";
import { currencyExponent } from "@/emails/_components/money";

const subscribe = () => () => {};

/**
 * False while the server renders and hydrates, true after: the viewer's locale
 * and timezone only exist in the browser, so the first render uses UTC and a
 * fixed locale (identical on both sides), and the second the viewer's.
 */
function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

const styles = {
  datetime: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit" },
  date: { weekday: "short", day: "numeric", month: "short", year: "numeric" },
  short: { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" },
  compact: { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type TimeStyle = keyof typeof styles;

export function formatTime(date: Date, style: TimeStyle = "datetime", local = true): string {
  return local
    ? new Intl.DateTimeFormat(undefined, styles[style]).format(date)
    : `${new Intl.DateTimeFormat("en-GB", { ...styles[style], timeZone: "UTC" }).format(date)} UTC`;
}

/** A moment in the viewer's locale and timezone; the exact UTC time is in the tooltip. */
export function LocalTime({ date, style = "datetime", className }: { date: Date | string; style?: TimeStyle; className?: string }) {
  const hydrated = useHydrated();
  const value = new Date(date);
  if (Number.isNaN(value.getTime())) return <span className={className}>—</span>;
  const iso = value.toISOString();
  return (
    <time dateTime={iso} title={iso} className={className}>
      {formatTime(value, style, hydrated)}
    </time>
  );
}

/** Digits after the decimal point of a currency's minor unit at the billing provider (2 for USD, 0 for JPY, 3 for KWD). */
export const currencyDigits = currencyExponent;

export function formatMoney(amount: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: code }).format(amount / 10 ** currencyDigits(code));
  } catch {
    return `${(amount / 100).toFixed(2)} ${code}`;
  }
}

/** An amount in minor units, in its own currency and the viewer's locale. */
export function Money({ amount, currency, className }: { amount: number; currency: string; className?: string }) {
  const hydrated = useHydrated();
  return (
    <span className={className} title={currency.toUpperCase()}>
      {formatMoney(amount, currency, hydrated ? undefined : "en-US")}
    </span>
  );
}
