import { describe, expect, it } from "vitest";
import {
  currencyExponent,
  formatDate,
  formatMoney,
  formatTotals,
  safeLocale,
  safeTimeZone,
  totalsByCurrency,
} from "./money";

// Intl separates a currency symbol from the number with a no-break space in many locales.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatMoney", () => {
  it("formats two-decimal currencies from cents", () => {
    expect(formatMoney(4900, "usd", "en-US")).toBe("$49.00");
    expect(formatMoney(123456, "USD", "en-US")).toBe("$1,234.56");
    expect(formatMoney(5, "usd", "en-US")).toBe("$0.05");
    expect(plain(formatMoney(4900, "eur", "de-DE"))).toBe("49,00 €");
  });

  it("formats zero-decimal currencies without dividing", () => {
    expect(formatMoney(4900, "jpy", "en-US")).toBe("¥4,900");
    expect(formatMoney(50000, "krw", "en-US")).toBe("₩50,000");
  });

  it("formats three-decimal currencies from thousandths", () => {
    expect(currencyExponent("kwd")).toBe(3);
    expect(plain(formatMoney(12345, "kwd", "en-US"))).toBe("KWD 12.345");
  });

  it("reads ISK in the provider's two-decimal minor units but shows whole krónur", () => {
    expect(currencyExponent("isk")).toBe(2);
    expect(plain(formatMoney(50000, "isk", "en-US"))).toBe("ISK 500");
  });

  it("is exact for large amounts and negative amounts", () => {
    expect(formatMoney(123456789012, "usd", "en-US")).toBe("$1,234,567,890.12");
    expect(formatMoney(-4900, "usd", "en-US")).toBe("-$49.00");
  });

  it("does not fail on an unknown currency or a broken locale", () => {
    expect(formatMoney(4900, "zz", "en-US")).toBe("49.00 ZZ");
    expect(formatMoney(4900, "usd", "not a locale!")).toBe("$49.00");
    expect(safeLocale("")).toBe("en-US");
    expect(safeLocale("fr-ca")).toBe("fr-CA");
  });
});

describe("totals", () => {
  it("sums per currency and never across currencies", () => {
    const lines = [
      { amount: 4900, currency: "usd" },
      { amount: 4900, currency: "jpy" },
      { amount: 100, currency: "USD" },
    ];
    expect(totalsByCurrency(lines)).toEqual([
      { currency: "USD", amount: 5000 },
      { currency: "JPY", amount: 4900 },
    ]);
    expect(formatTotals(lines, "en-US")).toBe("$50.00 and ¥4,900");
    expect(formatTotals([{ amount: 4900, currency: "usd" }], "en-US")).toBe("$49.00");
  });
});

describe("formatDate", () => {
  const instant = new Date("2026-07-05T02:30:00Z");

  it("shows the calendar date in the customer's timezone", () => {
    expect(formatDate(instant, "America/Los_Angeles", "en-US")).toBe("July 4, 2026");
    expect(formatDate(instant, "Asia/Tokyo", "en-US")).toBe("July 5, 2026");
    expect(formatDate(instant, "Europe/Berlin", "de-DE")).toBe("5. Juli 2026");
  });

  it("falls back to UTC for an unknown timezone", () => {
    expect(safeTimeZone("Mars/Olympus")).toBe("UTC");
    expect(formatDate(instant, "Mars/Olympus", "en-US")).toBe("July 5, 2026");
  });
});
