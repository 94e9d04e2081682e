import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RevenueCharts, type ChartPoint } from "./revenue-charts";

const points: ChartPoint[] = Array.from({ length: 3 }, (_, k) => ({
  start: new Date(Date.UTC(2026, 2, 1 + k)).toISOString(),
  end: new Date(Date.UTC(2026, 2, 2 + k)).toISOString(),
  recovered: k === 2 ? null : (k + 1) * 1000,
  atRisk: k === 2 ? null : 5000,
}));

describe("RevenueCharts", () => {
  it("titles, describes and tabulates one currency at a time", () => {
    const html = renderToString(
      createElement(RevenueCharts, {
        unit: "day",
        series: [
          { currency: "usd", points },
          { currency: "eur", points },
        ],
      }),
    );
    expect(html).toContain("Recovered per day (USD)");
    expect(html).toContain("At risk at the end of each day (USD)");
    expect(html).toContain("$30.00 recovered over 2 days; the most, $20.00, on Mar 2.");
    // The switcher offers the other currency; nothing of it is drawn or tabulated until chosen.
    expect(html).toContain('value="eur"');
    expect(html).not.toContain("(EUR)");
    expect(html).not.toContain("€");
    // The numbers behind each chart, with a dash for the part of the period after now.
    expect(html).toContain("Show the numbers");
    expect(html).toContain('title="After now"');
  });

  it("shows no switcher for a single currency", () => {
    const html = renderToString(createElement(RevenueCharts, { unit: "week", series: [{ currency: "jpy", points }] }));
    expect(html).not.toContain("<fieldset");
    expect(html).toContain("Recovered per week (JPY)");
  });
});
