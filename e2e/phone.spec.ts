import { expect, test } from "@playwright/test";
import { screenshot, signIn, uniqueEmail } from "./helpers";

test("the console works on a phone", async ({ page }) => {
  await signIn(page, uniqueEmail("phone"));
  await screenshot(page, "phone-create-workspace");
  await page.getByLabel("Business name").fill("Pocket Plans");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Sandbox mode" })).toBeVisible();
  await screenshot(page, "phone-overview");

  await page.getByRole("button", { name: "Open menu" }).click();
  await screenshot(page, "phone-menu");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Team" }).click();
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Open menu" })).toBeVisible();
  await screenshot(page, "phone-team");
});
