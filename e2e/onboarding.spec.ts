import { expect, test } from "@playwright/test";
import { screenshot, signIn, uniqueEmail, linkFromMailbox } from "./helpers";

test("a new person signs in by magic link, creates workspaces, switches between them and signs out", async ({ page }) => {
  const email = uniqueEmail("maya");

  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await screenshot(page, "sign-in");

  // A wrong address is refused with a message next to the field.
  await page.getByLabel("Work email").fill("maya@");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Enter a valid email address, like ada@example.com.")).toBeVisible();

  await signIn(page, email);

  // First visit: make a workspace.
  await expect(page).toHaveURL(/\/workspaces\/new/);
  await expect(page.getByRole("heading", { name: /create your workspace/i })).toBeVisible();
  await screenshot(page, "create-workspace");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText("Give the workspace a name of at least 2 characters.")).toBeVisible();
  await page.getByLabel("Business name").fill("Northwind Billing");
  await page.getByRole("button", { name: "Create workspace" }).click();

  // The console, in sandbox mode.
  await expect(page).toHaveURL(/\/w\/northwind-billing\/overview/);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Sandbox mode" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nothing to show yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Simulate failed renewals" })).toBeVisible();
  await screenshot(page, "console-overview");

  // Every section answers with its own page and an empty state, never an error.
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const section of ["Recoveries", "Sequences", "Branding", "Domains", "Integrations", "Developers", "Reports", "Team", "Settings"]) {
    await nav.getByRole("link", { name: section }).click();
    await expect(page.getByRole("heading", { name: section, level: 1 })).toBeVisible();
    await expect(nav.getByRole("link", { name: section })).toHaveAttribute("aria-current", "page");
  }
  await screenshot(page, "console-settings");
  await nav.getByRole("link", { name: "Team" }).click();
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("owner");
  await screenshot(page, "console-team");

  // A second workspace from the switcher.
  await page.getByLabel(/Switch workspace/).click();
  await page.getByRole("link", { name: "Create workspace" }).click();
  await page.getByLabel("Business name").fill("Globex Subscriptions");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/w\/globex-subscriptions\/overview/);
  await expect(page.getByLabel(/Workspace: Globex Subscriptions/)).toBeVisible();

  // Switch back.
  await page.getByLabel(/Switch workspace/).click();
  await page.getByRole("link", { name: /Northwind Billing/ }).click();
  await expect(page).toHaveURL(/\/w\/northwind-billing\/overview/);
  await expect(page.getByLabel(/Workspace: Northwind Billing/)).toBeVisible();

  // Home goes back to the workspace opened last.
  await page.goto("/");
  await expect(page).toHaveURL(/\/w\/northwind-billing\/overview/);

  // Sign out; the console is closed again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto("/w/northwind-billing/overview");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
});

test("a used sign-in link is refused with a way forward", async ({ page }) => {
  const email = uniqueEmail("reuse");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/workspaces\/new/);
  const link = await linkFromMailbox(page, email, "/sign-in/verify");
  await page.context().clearCookies(); // a new browser, as if the link were opened again elsewhere
  await page.goto(link);
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "This sign-in link no longer works" })).toBeVisible();
  await screenshot(page, "sign-in-link-used");
  await page.getByRole("link", { name: "Get a new sign-in link" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a workspace one is not a member of is a plain 404", async ({ page }) => {
  await signIn(page, uniqueEmail("stranger"));
  const response = await page.goto("/w/demo/overview");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
