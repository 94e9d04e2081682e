import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ATTRIBUTION_RULES } from "@/server/analytics/attribution";
import { buildDays, buildDeclines, buildRevenue, buildSequences } from "@/server/analytics/breakdown";
import { AttributionRules } from "./attribution-rules";
import { ChannelCharts } from "./channel-charts";
import { DaysChart } from "./days-chart";
import { DaysSummaryTable } from "./days-summary";
import { DeclineTable } from "./decline-table";
import { SequenceTable } from "./sequence-table";

const revenue = buildRevenue([
  { currency: "USD", cohort: "treatment", via: "reclaim_retry", message_recorded: false, message_channel: null, cases: 3, amount: 6000 },
  { currency: "USD", cohort: "treatment", via: "card_update", message_recorded: true, message_channel: "email", cases: 1, amount: 2000 },
  { currency: "USD", cohort: "holdout", via: "provider_retry", message_recorded: false, message_channel: null, cases: 1, amount: 2000 },
  { currency: "EUR", cohort: "treatment", via: "card_updater", message_recorded: false, message_channel: null, cases: 1, amount: 1500 },
]);

describe("Analytics page components", () => {
  it("one channel figure per currency, titled, described and tabulated, never adding currencies", () => {
    const html = renderToString(createElement(ChannelCharts, { revenue }));
    expect(html).toContain("Recovered revenue by channel (USD)");
    expect(html).toContain("Recovered revenue by channel (EUR)");
    expect(html).toContain("$100.00 recovered in USD from 5 cases; the most through Reclaim&#x27;s retries, $60.00 (60%).");
    expect(html).toContain("€15.00 recovered in EUR from 1 case; the most through card updates no message led to, €15.00 (100%).");
    expect(html).toContain("Show the numbers");
    for (const rule of ATTRIBUTION_RULES) expect(html).toContain(`>${rule.label.replace("'", "&#x27;")}</th>`);
    expect(html).not.toContain("NaN");
  });

  it("days to recovery: a figure with its numbers, and the summary per cohort", () => {
    const days = buildDays([
      { cohort: "treatment", days: 0, cases: 2 },
      { cohort: "treatment", days: 9, cases: 1 },
      { cohort: "holdout", days: 30, cases: 1 },
    ]);
    const html = renderToString(createElement(DaysChart, { days }));
    expect(html).toContain("Recovered cases by days to recovery");
    expect(html).toContain("3 treatment cases recovered: median under 1 day, 90th percentile 9 days. 1 holdout case: median 30 days.");
    expect(html).toContain("29 days or more");
    const summary = renderToString(createElement(DaysSummaryTable, { days: buildDays([]) }));
    expect(summary).toContain("Time to recover");
    expect(summary).toContain("—");
    expect(summary).not.toContain("NaN");
  });

  it("decline tables flag small groups and show a dash where nothing closed", () => {
    const declines = buildDeclines([
      { category: "soft", code: "insufficient_funds", cohort: "treatment", opened: 5, closed: 4, recovered: 3 },
      { category: "hard", code: "expired_card", cohort: "holdout", opened: 1, closed: 0, recovered: 0 },
    ]);
    const html = renderToString(
      createElement(DeclineTable, { rows: declines.byCategory, by: "category", caption: "Recovery rate by decline category", testId: "t", total: declines.total }),
    );
    expect(html).toContain("Recovery rate by decline category");
    expect(html).toContain("Soft decline");
    expect(html).toContain("75%");
    expect(html).toContain("30.1% to 95.4%");
    expect(html).toContain("Too few to read");
    expect(html).toContain("none closed yet");
    expect(html).toContain("All declines");
    expect(html).toContain('scope="col"');
    expect(html).not.toContain("NaN");
  });

  it("the sequence table lists revenue per currency and a dash for a sequence without cases", () => {
    const sequences = buildSequences(
      [
        { version_id: "v1", currency: "USD", status: "recovered", days: 2, cases: 2, amount: 5000 },
        { version_id: "v1", currency: "EUR", status: "recovered", days: 4, cases: 1, amount: 700 },
        { version_id: "v1", currency: "USD", status: "lost", days: null, cases: 1, amount: 0 },
      ],
      [
        { id: "s1", name: "Standard recovery", isDefault: true, versionIds: ["v1"] },
        { id: "s2", name: "Gentle", isDefault: false, versionIds: ["v2"] },
      ],
    );
    const html = renderToString(createElement(SequenceTable, { sequences }));
    expect(html).toContain("Standard recovery");
    expect(html).toContain("$50.00");
    expect(html).toContain("€7.00");
    expect(html).toContain("2 days");
    expect(html).toContain("Gentle");
    expect(html).toContain("no cases");
    expect(html).not.toContain("NaN");
  });

  it("prints every attribution rule", () => {
    const html = renderToString(createElement(AttributionRules));
    expect(html).toContain("How recoveries are attributed");
    for (const rule of ATTRIBUTION_RULES) expect(html).toContain(rule.rule.replaceAll("'", "&#x27;"));
  });
});
