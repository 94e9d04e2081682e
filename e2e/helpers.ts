import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** Opens the newest email to `email` in the dev mailbox and returns its first link with `pathPart`. */
export async function linkFromMailbox(page: Page, email: string, pathPart: string): Promise<string> {
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: new RegExp(`To ${email.replace(/[.+]/g, "\\$&")}`) }).first().click();
  await expect(page.getByRole("heading", { name: "Links in this email" })).toBeVisible();
  const href = await page.getByRole("link", { name: new RegExp(pathPart) }).first().getAttribute("href");
  if (!href) throw new Error(`No link with ${pathPart} in the email to ${email}`);
  return href;
}

/** Signs in as a person would: asks for a link, reads the email in the dev mailbox, follows it. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const link = await linkFromMailbox(page, email, "/sign-in/verify");
  await page.goto(link);
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
}

/** Saves a screenshot under test-results/screenshots, the artifact a reviewer looks at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.join("test-results", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
