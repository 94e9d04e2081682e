import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { expect, test, type Download, type Locator, type Page } from "@playwright/test";
import { linkFromMailbox, screenshot, signIn, uniqueEmail } from "./helpers";

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });

type Row = Record<string, string>;

/** "49.90" → 4990 (both currencies used here have two decimals): exact, no floats. */
const cents = (text: string) => {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`Not an amount: ${text}`);
  return (match[1] ? -1 : 1) * (Number(match[2]) * 100 + Number(match[3]));
};
const sumCents = (rows: Row[], column: string) => rows.reduce((sum, row) => sum + cents(row[column]!), 0);
const number = async (locator: Locator) => Number(((await locator.textContent()) ?? "").replace(/[^\d]/g, ""));

async function downloadCsv(page: Page, linkName: string): Promise<{ file: string; rows: Row[] }> {
  const [download]: [Download, void] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: linkName }).click(),
  ]);
  const path = await download.path();
  const text = fs.readFileSync(path, "utf8");
  return { file: download.suggestedFilename(), rows: parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Row[] };
}

/** Simulates `count` failed renewals with the realistic mix of declines, in `currency`, on a freshly loaded Sandbox page. */
async function simulate(page: Page, slug: string, count: number, currency: string) {
  await page.goto(`/w/${slug}/sandbox`);
  await page.getByLabel("Decline", { exact: true }).selectOption("mix");
  await page.getByLabel("Number of customers").fill(String(count));
  await page.getByLabel("Currency", { exact: true }).selectOption(currency);
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText(`Opened ${count} recovery cases`)).toBeVisible({ timeout: 90_000 });
}

/** Moves the sandbox clock `days` forward, running everything due (the page continues long advances by itself). */
async function advance(page: Page, slug: string, days: number) {
  await page.goto(`/w/${slug}/sandbox`);
  await page.getByLabel("Advance by days").fill(String(days));
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await expect(page.getByText(/Ran \d+ actions?/)).toBeVisible({ timeout: 240_000 });
}

test("a finance teammate reads the holdout-lift report, changes the period and downloads CSVs that match the page", async ({
  browser,
  page,
}) => {
  test.setTimeout(600_000);

  // The owner sets up a sandbox workspace with a 30% holdout and a few months of failed renewals.
  await signIn(page, uniqueEmail("owner"));
  await page.getByLabel("Business name").fill("Fenwick Ledger");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const slug = new URL(page.url()).pathname.split("/")[2]!;

  await nav(page).getByRole("link", { name: "Sequences" }).click();
  await page.getByLabel("Holdout (%)").fill("30");
  await page.getByRole("button", { name: /Save as version 2/ }).click();
  await expect(page.getByText("Saved as version 2").first()).toBeVisible();

  // Batch 1 fails 35 days before "today", batch 2 fifteen days before, batch 3 today: the last 30 days hold batches 2 and 3.
  await simulate(page, slug, 30, "usd");
  await advance(page, slug, 20);
  await simulate(page, slug, 30, "eur");
  await advance(page, slug, 15);
  await simulate(page, slug, 10, "usd");

  // The owner invites a finance teammate.
  const financeEmail = uniqueEmail("finance");
  await nav(page).getByRole("link", { name: "Team" }).click();
  await page.getByLabel("Email", { exact: true }).fill(financeEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("finance");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${financeEmail}.`)).toBeVisible();

  const financeContext = await browser.newContext();
  const finance = await financeContext.newPage();
  const inviteLink = await linkFromMailbox(finance, financeEmail, "/invite/");
  await finance.goto(inviteLink);
  await finance.getByLabel("Work email").fill(financeEmail);
  await finance.getByRole("button", { name: "Email me a sign-in link" }).click();
  const signInLink = await linkFromMailbox(finance, financeEmail, "/sign-in/verify");
  await finance.goto(signInLink);
  await finance.getByRole("link", { name: "Sign in", exact: true }).click();
  await finance.getByRole("button", { name: "Accept invitation" }).click();
  await expect(finance).toHaveURL(new RegExp(`/w/${slug}/overview`));

  // Finance opens Reports: the last 90 days by default, every case of the three batches.
  await nav(finance).getByRole("link", { name: "Reports" }).click();
  await expect(finance.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await expect(finance.getByTestId("report-scope")).toContainText("Last 90 days");
  const overall = finance.getByTestId("lift-overall");
  const casesOf = async () => (await number(overall.getByTestId("treatment-cases"))) + (await number(overall.getByTestId("holdout-cases")));
  expect(await casesOf()).toBe(70);
  expect(await number(overall.getByTestId("holdout-cases"))).toBeGreaterThan(0);
  await expect(finance.getByText("How to read this report")).toBeVisible();
  await expect(finance.getByText(/Wilson score interval/).first()).toBeVisible();
  await expect(finance.getByText(/Newcombe/).first()).toBeVisible();
  await screenshot(finance, "reports-finance-90d");

  // Changing the period: the last 30 days leave the first batch out.
  await finance.getByRole("combobox", { name: "Period", exact: true }).selectOption("30d");
  await expect(finance).toHaveURL(/period=30d/);
  await expect(finance.getByTestId("report-scope")).toContainText("Last 30 days");
  await expect.poll(casesOf).toBe(40);

  const page30 = {
    treatmentCases: await number(overall.getByTestId("treatment-cases")),
    holdoutCases: await number(overall.getByTestId("holdout-cases")),
    treatmentRecovered: await number(overall.getByTestId("treatment-recovered")),
    holdoutRecovered: await number(overall.getByTestId("holdout-recovered")),
    treatmentRate: (await overall.getByTestId("treatment-rate").textContent())!.trim(),
    holdoutRate: (await overall.getByTestId("holdout-rate").textContent())!.trim(),
  };
  const currencies = await overall
    .locator("[data-testid^='revenue-']")
    .evaluateAll((els) => els.map((el) => el.getAttribute("data-testid")!.slice(8)));
  expect(currencies).toEqual(["EUR", "USD"]);
  const pageMoney: Record<string, { treatment: string; holdout: string; incremental: string }> = {};
  for (const currency of currencies) {
    const card = overall.getByTestId(`revenue-${currency}`);
    pageMoney[currency] = {
      treatment: (await card.getByTestId("treatment-amount").getAttribute("data-amount"))!,
      holdout: (await card.getByTestId("holdout-amount").getAttribute("data-amount"))!,
      incremental: (await card.getByTestId("incremental-amount").getAttribute("data-amount"))!,
    };
  }

  // The summary CSV says what the page says.
  const summary = await downloadCsv(finance, "Summary CSV");
  expect(summary.file).toMatch(new RegExp(`^${slug}-sandbox-holdout-lift-summary-\\d{4}-\\d{2}-\\d{2}-to-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const rateRow = summary.rows.find((r) => r.scope === "all_sequences" && r.measure === "recovery_rate")!;
  expect(Number(rateRow.treatment_cases)).toBe(page30.treatmentCases);
  expect(Number(rateRow.holdout_cases)).toBe(page30.holdoutCases);
  expect(Number(rateRow.treatment_recovered)).toBe(page30.treatmentRecovered);
  expect(Number(rateRow.holdout_recovered)).toBe(page30.holdoutRecovered);
  expect(`${(Number(rateRow.treatment_recovery_rate) * 100).toFixed(1)}%`).toBe(page30.treatmentRate);
  expect(`${(Number(rateRow.holdout_recovery_rate) * 100).toFixed(1)}%`).toBe(page30.holdoutRate);
  for (const currency of currencies) {
    const row = summary.rows.find((r) => r.scope === "all_sequences" && r.currency === currency)!;
    expect(row.treatment_recovered_amount).toBe(pageMoney[currency]!.treatment);
    expect(row.holdout_recovered_amount).toBe(pageMoney[currency]!.holdout);
    expect(row.incremental_revenue).toBe(pageMoney[currency]!.incremental);
  }

  // The case rows add up to the same counts and amounts.
  const cases = await downloadCsv(finance, "Case rows CSV");
  expect(cases.file).toMatch(new RegExp(`^${slug}-sandbox-holdout-lift-cases-.*\\.csv$`));
  expect(cases.rows).toHaveLength(40);
  const ofCohort = (cohort: string) => cases.rows.filter((r) => r.cohort === cohort);
  expect(ofCohort("treatment")).toHaveLength(page30.treatmentCases);
  expect(ofCohort("holdout")).toHaveLength(page30.holdoutCases);
  expect(ofCohort("treatment").filter((r) => r.recovered_by_report_time === "true")).toHaveLength(page30.treatmentRecovered);
  expect(ofCohort("holdout").filter((r) => r.recovered_by_report_time === "true")).toHaveLength(page30.holdoutRecovered);
  for (const currency of currencies) {
    for (const cohort of ["treatment", "holdout"] as const) {
      const rows = ofCohort(cohort).filter((r) => r.currency === currency);
      expect(sumCents(rows, "recovered_amount"), `${cohort} ${currency}`).toBe(cents(pageMoney[currency]![cohort]));
    }
  }

  // The journal: one row per payment paid in the period, adding up to the page's totals per currency.
  const journalTotals = await finance
    .getByTestId("journal")
    .locator("[data-testid^='journal-total-']")
    .evaluateAll((rows) =>
      rows.map((row) => ({
        currency: row.getAttribute("data-testid")!.slice("journal-total-".length),
        payments: Number(row.querySelector("[data-testid='payments']")!.getAttribute("data-count")),
        amount: row.querySelector("[data-testid='amount']")!.getAttribute("data-amount")!,
      })),
    );
  expect(journalTotals.length).toBeGreaterThan(0);
  const journal = await downloadCsv(finance, "Journal CSV");
  expect(journal.file).toMatch(new RegExp(`^${slug}-sandbox-recovered-revenue-journal-.*\\.csv$`));
  expect(Object.keys(journal.rows[0]!)).toEqual(
    expect.arrayContaining(["date_paid", "customer_id", "customer_name", "invoice_number", "amount", "currency", "channel", "case_id"]),
  );
  expect(journal.rows).toHaveLength(journalTotals.reduce((n, t) => n + t.payments, 0));
  for (const total of journalTotals) {
    const rows = journal.rows.filter((r) => r.currency === total.currency);
    expect(rows).toHaveLength(total.payments);
    expect(sumCents(rows, "amount")).toBe(cents(total.amount));
  }
  await screenshot(finance, "reports-finance-30d");

  // A print-friendly page with the same figures.
  await finance.getByRole("link", { name: "Print view" }).click();
  await expect(finance.getByRole("heading", { name: "Holdout-lift report", level: 1 })).toBeVisible();
  // The first table of the print view is the comparison over every sequence.
  expect(await number(finance.locator("#report-print").getByTestId("treatment-cases").first())).toBe(page30.treatmentCases);
  await finance.emulateMedia({ media: "print" });
  await expect(finance.getByRole("navigation", { name: "Console" })).toBeHidden();
  await screenshot(finance, "reports-print");
  await finance.emulateMedia({ media: "screen" });

  // On a phone.
  const phone = await browser.newContext({
    storageState: await financeContext.storageState(),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const phonePage = await phone.newPage();
  await phonePage.goto(`/w/${slug}/reports?period=30d`);
  await expect(phonePage.getByTestId("lift-overall").getByTestId("treatment-cases")).toHaveText(String(page30.treatmentCases));
  await screenshot(phonePage, "reports-phone");
  await phone.close();

  // The overview shows the same history: figures, and charts of recovered and at-risk revenue per currency.
  await nav(finance).getByRole("link", { name: "Overview" }).click();
  await expect(finance.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(finance.getByText("Recovered revenue").first()).toBeVisible();
  await expect(finance.getByText("Email open rate").first()).toBeVisible();
  await expect(finance.locator(".recharts-surface").first()).toBeVisible();
  await screenshot(finance, "overview-finance");

  // The overview's case rows recompute its figures: the cases closed in the period and the open ones.
  const overviewRows = await downloadCsv(finance, "Download case rows (CSV)");
  const days = /-sandbox-overview-cases-(\d{4}-\d{2}-\d{2})-to-(\d{4}-\d{2}-\d{2})\.csv$/.exec(overviewRows.file);
  expect(days, overviewRows.file).not.toBeNull();
  const periodFrom = Date.parse(`${days![1]}T00:00:00Z`);
  const periodTo = Date.parse(`${days![2]}T00:00:00Z`) + 24 * 60 * 60 * 1000;
  const closedInPeriod = overviewRows.rows.filter((r) => r.closed_at && Date.parse(r.closed_at) >= periodFrom && Date.parse(r.closed_at) < periodTo);
  const recoveredInPeriod = closedInPeriod.filter((r) => r.status === "recovered").length;
  expect(closedInPeriod.length).toBeGreaterThan(0);
  await expect(
    finance.getByText(`${recoveredInPeriod} of ${closedInPeriod.length} ${closedInPeriod.length === 1 ? "case" : "cases"} closed in the period recovered.`),
  ).toBeVisible();
  const openByCurrency = new Map<string, number>();
  for (const r of overviewRows.rows) if (r.status === "open") openByCurrency.set(r.currency!, (openByCurrency.get(r.currency!) ?? 0) + 1);
  const atRiskCard = finance.locator("li").filter({ hasText: /open invoices?$/ });
  await expect(atRiskCard).toHaveCount(openByCurrency.size);
  for (const [, n] of openByCurrency) await expect(atRiskCard.getByText(`${n} open ${n === 1 ? "invoice" : "invoices"}`, { exact: true }).first()).toBeVisible();

  // Finance reads but cannot change sequences or settings, nor move the sandbox clock.
  await nav(finance).getByRole("link", { name: "Sequences" }).click();
  await expect(finance.getByText(/so you can read this sequence/)).toBeVisible();
  await expect(finance.getByRole("button", { name: /Save as version/ })).toHaveCount(0);
  await nav(finance).getByRole("link", { name: "Settings" }).click();
  await expect(finance.getByText("(only owners and admins can rename it)")).toBeVisible();
  await nav(finance).getByRole("link", { name: "Sandbox" }).click();
  await expect(finance.getByText("Only owners and admins can move the sandbox clock.")).toBeVisible();

  // Someone outside the workspace gets nothing from the download routes.
  const outsider = await (await browser.newContext()).newPage();
  await signIn(outsider, uniqueEmail("outsider"));
  const foreign = await outsider.request.get(`/w/${slug}/reports/lift-cases.csv?period=90d`);
  expect(foreign.status()).toBe(404);
  const signedOut = await (await browser.newContext()).request.get(`/w/${slug}/reports/journal.csv`);
  expect(signedOut.status()).toBe(401);
  await financeContext.close();
});
