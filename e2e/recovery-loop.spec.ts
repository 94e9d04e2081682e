import { expect, test, type Page } from "@playwright/test";
import { screenshot, signIn, uniqueEmail } from "./helpers";

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });

test("a failed renewal travels from decline to recovered in the sandbox", async ({ browser, page }) => {
  test.setTimeout(240_000);
  await signIn(page, uniqueEmail("merchant"));
  await page.getByLabel("Business name").fill("Lumen Analytics");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const slug = new URL(page.url()).pathname.split("/")[2]!;

  // 5. The merchant edits the sequence: a bad setting is refused with its field and reason; a good one is saved as a new version.
  await nav(page).getByRole("link", { name: "Sequences" }).click();
  await expect(page.getByRole("heading", { name: "Sequences", level: 1 })).toBeVisible();
  const holdout = page.getByLabel("Holdout (%)");
  await holdout.fill("75");
  await page.getByRole("button", { name: /Save as version 2/ }).click();
  await expect(page.getByRole("alert").first()).toContainText(/holdout/i);
  await holdout.fill("0"); // everyone in treatment, so this run is deterministic
  await page.getByRole("button", { name: /Save as version 2/ }).click();
  await expect(page.getByText("Saved as version 2").first()).toBeVisible();
  await screenshot(page, "sequences-saved");

  // 1. Simulate a failed renewal with an expired card.
  const customerEmail = uniqueEmail("customer");
  await nav(page).getByRole("link", { name: "Sandbox" }).click();
  await page.getByLabel("Decline", { exact: true }).selectOption("expired_card");
  await page.getByLabel("Number of customers").fill("1");
  await page.getByLabel("Customer email (optional)").fill(customerEmail);
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText("Opened 1 recovery case")).toBeVisible();

  // 2. The case is open at once: classified, in treatment, its plan listed with due times.
  await page.getByRole("link", { name: "Open the case" }).click();
  await expect(page.getByText(customerEmail).first()).toBeVisible();
  await expect(page.getByText(/hard/i).first()).toBeVisible();
  await expect(page.getByText(/treatment/i).first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Plan" })).toBeVisible();
  const casePath = new URL(page.url()).pathname;

  // The day-0 card-update email goes out at once (the built-in scheduler runs in the server).
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Email 1 of 6/).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await screenshot(page, "case-timeline-opened");

  // 3. Advance the sandbox clock to the next action: the day-3 email runs at its simulated time.
  await nav(page).getByRole("link", { name: "Sandbox" }).click();
  await page.getByRole("button", { name: "Advance to next action" }).click();
  await expect(page.getByText(/Ran \d+ action/)).toBeVisible({ timeout: 30_000 });
  await page.goto(casePath);
  await expect(page.getByText(/Email 2 of 6/).first()).toBeVisible();

  // 4. Open the latest email as the customer sees it and follow its link.
  await nav(page).getByRole("link", { name: "Sandbox" }).click();
  const outbox = page.getByRole("listitem").filter({ hasText: `To ${customerEmail}` });
  await outbox.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Links in this email" })).toBeVisible();
  await screenshot(page, "email");
  const updateUrl = await page.getByRole("link", { name: /\/u\// }).first().getAttribute("href");
  expect(updateUrl).toBeTruthy();
  const emailsBefore = await countDunningEmails(page, slug, customerEmail);

  // The customer, on a phone and on a laptop.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  await phonePage.goto(updateUrl!);
  await expect(phonePage.getByLabel("Card number")).toBeVisible();
  await screenshot(phonePage, "card-update-phone");
  await phone.close();

  const customer = await (await browser.newContext()).newPage();
  await customer.goto(updateUrl!);
  await expect(customer.getByText("Lumen Analytics").first()).toBeVisible();
  await screenshot(customer, "card-update-desktop");
  await customer.getByLabel("Card number").fill("4000 0000 0000 0002"); // declines: the customer can try again
  await customer.getByLabel("Expiry date").fill("12/34");
  await customer.getByLabel("Security code").fill("123");
  await customer.getByRole("button", { name: /update|pay/i }).click();
  await expect(customer.getByText("Declined").first()).toBeVisible({ timeout: 20_000 });

  await customer.goto(updateUrl!);
  await customer.getByLabel("Card number").fill("4242 4242 4242 4242");
  await customer.getByLabel("Expiry date").fill("12/34");
  await customer.getByLabel("Security code").fill("123");
  await customer.getByRole("button", { name: /update|pay/i }).click();
  await expect(customer.getByRole("heading", { name: "Your card is updated" })).toBeVisible({ timeout: 20_000 });
  await expect(customer.getByRole("list", { name: "Payments" })).toContainText("Paid");
  await screenshot(customer, "card-update-done");

  // The link is spent once everything is paid.
  await customer.reload();
  await expect(customer.getByText(/already/i).first()).toBeVisible();

  // The case is recovered, attributed to the card update and the email that brought the customer; a receipt went out.
  await page.goto(casePath);
  await expect(page.getByText(/Recovered/).first()).toBeVisible();
  await expect(page.getByText(/card update/i).first()).toBeVisible();
  await expect(page.getByText(/Receipt sent to/).first()).toBeVisible();
  // Following the email's link counted as a click (and an open) of that email.
  await expect(page.getByText(/The customer followed the card-update link in email \d/).first()).toBeVisible();
  // Each failed attempt keeps what the provider said of its decline, folded away until asked for.
  const bankSaid = page.locator("details:visible", { has: page.locator("summary", { hasText: "What the bank said" }) }).first();
  await bankSaid.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(bankSaid.getByText("Network status")).toBeVisible();
  await expect(bankSaid.getByText("declined_by_network")).toBeVisible();
  await screenshot(page, "case-timeline-recovered");

  // The same pages on a phone.
  const merchantPhone = await browser.newContext({
    storageState: await page.context().storageState(),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const phoneConsole = await merchantPhone.newPage();
  await phoneConsole.goto(casePath);
  await expect(phoneConsole.getByRole("heading", { name: "Timeline" })).toBeVisible();
  await screenshot(phoneConsole, "case-timeline-phone");
  await phoneConsole.getByRole("link", { name: "View the email" }).first().click();
  await expect(phoneConsole.getByRole("heading", { name: "Links in this email" })).toBeVisible();
  await screenshot(phoneConsole, "email-phone");
  await merchantPhone.close();

  // No further dunning message is ever sent for it.
  await nav(page).getByRole("link", { name: "Sandbox" }).click();
  await page.getByLabel("Advance by days").fill("40");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await expect(page.getByText(/Ran \d+ action/)).toBeVisible({ timeout: 60_000 });
  expect(await countDunningEmails(page, slug, customerEmail)).toBe(emailsBefore);

  // Several customers at once, for a realistic mix.
  await page.getByLabel("Decline", { exact: true }).selectOption("mix");
  await page.getByLabel("Number of customers").fill("8");
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText("Opened 8 recovery cases")).toBeVisible({ timeout: 30_000 });

  // Or by a failing test card, as in Stripe's test mode.
  await page.getByRole("radio", { name: /Test card/ }).check();
  await page.getByRole("combobox", { name: "Test card" }).selectOption("4000000000009995");
  await page.getByLabel("Number of customers").fill("2");
  await page.getByRole("button", { name: "Simulate failed renewals" }).click();
  await expect(page.getByText("Opened 2 recovery cases")).toBeVisible({ timeout: 30_000 });

  // The generated customers are played by the sandbox's model: over ten days some open their emails.
  await page.getByLabel("Advance by days").fill("10");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await expect(page.getByText(/simulated customers did \d+ things?/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("listitem").filter({ hasText: /· Opened/ }).first()).toBeVisible();
  await screenshot(page, "sandbox");
  await nav(page).getByRole("link", { name: "Recoveries" }).click();
  await expect(page.getByRole("heading", { name: "Recoveries", level: 1 })).toBeVisible();
  await screenshot(page, "recoveries");
});

/** Dunning emails to a customer in the sandbox outbox, counted on the Sandbox page's list. */
async function countDunningEmails(page: Page, slug: string, to: string): Promise<number> {
  await page.goto(`/w/${slug}/sandbox`);
  await expect(page.getByRole("heading", { name: "Sandbox outbox" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: `To ${to}` }).first()).toBeVisible();
  return page.getByRole("listitem").filter({ hasText: `To ${to}` }).filter({ hasText: "Reminder" }).count();
}
