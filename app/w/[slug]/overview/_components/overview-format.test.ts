import { describe, expect, it } from "vitest";
import { compactMoney, formatShare } from "./overview-format";

describe("compactMoney", () => {
  it("shortens amounts in the currency's own minor units", () => {
    expect(compactMoney(150_000, "usd")).toBe("$1.5K");
    expect(compactMoney(123_456, "jpy")).toBe("¥123.5K"); // yen have no minor unit
    expect(compactMoney(1_500_000, "kwd").replace(/\s/g, " ")).toBe("KWD 1.5K"); // three decimals (Intl puts a no-break space)
  });

  it("still gives the amount, in major units, for a code Intl does not know", () => {
    expect(compactMoney(150_000, "usdx")).toBe("1500 USDX");
  });
});

describe("formatShare", () => {
  it("prints a share or a dash", () => {
    expect(formatShare(0.625)).toBe("62.5%");
    expect(formatShare(null)).toBe("—");
  });
});
