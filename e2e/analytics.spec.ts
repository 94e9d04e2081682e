import { expect, test, type Locator, type Page } from "@playwright/test";
import { screenshot, signIn, uniqueEmail } from "./helpers";

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });
const number = async (locator: Locator) => Number(((await locator.textContent()) ?? "").replace(/[^\d]/g, ""));

/** The count on a status tab of the recoveries list ("Recovered 12"). */
const tabCount = (page: Page, label: string) =>
  number(page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: new RegExp(`^${label}`) }).locator("span"));

test("a merchant reads the analytics, filters the recoveries list, searches a customer and sees how hard a case was", async ({ page }) => {
  test.setTimeout(420_000);

  await signIn(page, uniqueEmail("analyst"));
  await page.getByLabel("Business name").fill("Quarry Analytics");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const slug = new URL(page.url()).pathname.split("/")[2]!;

  // Before any failure, the Analytics page says what to do first.
  await nav(page).getByRole("link", { name: "Analytics" }).click();
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nothing to analyse yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Simulate failed renewals" })).toBeVisible();

  // Twenty-five failed renewals with a realistic mix of declines, one of them for a customer we can search for,
  // then three weeks of Reclaim's work on the test clock.
  await page.goto(`/w/${slug}/sandbox`);
  await page.getByLabel("Decline", { exact: true }).selectOption("mix");
  await page.getByLabel("Number of customers").fill("24");
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText("Opened 24 recovery cases")).toBeVisible({ timeout: 90_000 });
  const customerEmail = uniqueEmail("searchable");
  await page.getByLabel("Decline", { exact: true }).selectOption("insufficient_funds");
  await page.getByLabel("Number of customers").fill("1");
  await page.getByLabel("Customer email (optional)").fill(customerEmail);
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText(/Opened 1 recovery case/)).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Advance by days").fill("21");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await expect(page.getByText(/Ran \d+ actions?/)).toBeVisible({ timeout: 240_000 });

  // Analytics: rates by decline category and code, revenue by channel under written rules, days to recovery, sequences.
  await nav(page).getByRole("link", { name: "Analytics" }).click();
  await expect(page.getByTestId("analytics-scope")).toContainText("Sandbox figures only");
  for (const heading of ["Recovery rate by decline", "Recovered revenue by channel", "Days to recovery", "Sequence comparison"]) {
    await expect(page.getByRole("heading", { name: heading, level: 2 })).toBeVisible();
  }
  const categories = page.getByTestId("decline-categories");
  await expect(categories.getByRole("row", { name: /All declines/ })).toBeVisible();
  await expect(page.getByTestId("decline-codes").getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByRole("heading", { name: "How recoveries are attributed" })).toBeVisible();
  for (const channel of ["Our retry", "Provider's retry", "Card update", "Email", "SMS", "Outside Reclaim"]) {
    await expect(page.getByText(channel, { exact: true }).first()).toBeAttached();
  }
  await expect(page.getByTestId("sequence-comparison").getByRole("row", { name: /Default|Standard|recovery/i }).first()).toBeVisible();

  // The channel totals are the recovered cases: the same number the Recoveries page counts as recovered.
  const usd = page.getByTestId("channel-revenue-USD");
  await expect(usd).toBeVisible();
  await expect(usd.locator(".recharts-surface")).toBeVisible();
  await usd.getByText("Show the numbers").click();
  const totalRow = usd.getByRole("row", { name: /^Total/ });
  await expect(totalRow).toBeVisible();
  const recoveredOnAnalytics = await number(totalRow.getByRole("cell").first());
  expect(recoveredOnAnalytics).toBeGreaterThan(0);
  const channelCases = await usd.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => Number((row.querySelector("td")?.textContent ?? "0").replace(/[^\d]/g, ""))),
  );
  expect(channelCases.reduce((a, b) => a + b, 0)).toBe(recoveredOnAnalytics);
  await expect(page.getByTestId("days-to-recovery")).toBeVisible();
  await screenshot(page, "analytics-desktop");

  await nav(page).getByRole("link", { name: "Recoveries" }).click();
  await expect(page.getByRole("heading", { name: "Recoveries", level: 1 })).toBeVisible();
  expect(await tabCount(page, "Recovered")).toBe(recoveredOnAnalytics);
  const allCases = await tabCount(page, "All");
  expect(allCases).toBe(25);

  // Filter by the decline code of the newest case: every case shown has that code, and the tabs count only those.
  const table = page.getByRole("table", { name: /Recovery cases/ });
  const code = (await table.locator("tbody tr").first().locator("code").textContent())!.trim();
  const filters = page.getByRole("search", { name: "Filter recoveries" });
  await filters.locator("summary").click();
  await filters.getByLabel("Decline code").selectOption(code);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`code=${code}`));
  const filtered = await tabCount(page, "All");
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(allCases);
  await expect(table.locator("tbody tr")).toHaveCount(filtered);
  for (const row of await table.locator("tbody tr").all()) await expect(row.locator("code")).toHaveText(code);
  await screenshot(page, "recoveries-filtered");

  // Search by the customer's email: one case, which opens with its difficulty score and how it is computed.
  await page.getByRole("link", { name: "Clear filters" }).first().click();
  await expect(page).not.toHaveURL(/code=/);
  await page.getByLabel("Search").fill(customerEmail);
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/q=/);
  expect(await tabCount(page, "All")).toBe(1);
  await table.locator("tbody tr").first().getByRole("link").click();
  await expect(page.getByText(customerEmail).first()).toBeVisible();
  const score = Number((await page.getByTestId("difficulty-score").textContent())!.replace(/[^\d].*$/s, ""));
  expect(score).toBeGreaterThanOrEqual(1);
  expect(score).toBeLessThanOrEqual(100);
  await page.getByText("How this is scored").click();
  await expect(page.getByRole("table", { name: "Difficulty score, part by part" })).toBeVisible();

  // A search that matches nothing says so, with a way back.
  await page.goto(`/w/${slug}/recoveries?q=${encodeURIComponent("nobody-by-this-name")}`);
  await expect(page.getByRole("heading", { name: "No cases match these filters" })).toBeVisible();

  // On a phone, the analytics and the filters fit the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/w/${slug}/analytics`);
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await screenshot(page, "analytics-phone");
  await page.goto(`/w/${slug}/recoveries`);
  await expect(page.getByLabel("Search")).toBeVisible();
  await screenshot(page, "recoveries-phone");
});
