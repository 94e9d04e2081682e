import { expect, test } from "@playwright/test";
import { linkFromMailbox, screenshot, signIn, uniqueEmail } from "./helpers";

test("an owner invites a finance teammate, who joins and cannot change the team", async ({ browser }) => {
  const ownerEmail = uniqueEmail("owner");
  const financeEmail = uniqueEmail("finance");

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, ownerEmail);
  await owner.getByLabel("Business name").fill("Initech Payments");
  await owner.getByRole("button", { name: "Create workspace" }).click();
  await owner.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Team" }).click();

  await owner.getByLabel("Email", { exact: true }).fill("not-an-address");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText("Enter a valid email address, like ada@example.com.")).toBeVisible();

  await owner.getByLabel("Email", { exact: true }).fill(financeEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("finance");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText(`Invitation sent to ${financeEmail}.`)).toBeVisible();
  await expect(owner.getByRole("listitem").filter({ hasText: financeEmail })).toContainText("Invited as finance");
  await screenshot(owner, "team-invited");

  const teammate = await (await browser.newContext()).newPage();
  const inviteLink = await linkFromMailbox(teammate, financeEmail, "/invite/");
  await teammate.goto(inviteLink);
  // Not signed in yet: sign in, then come back to the invitation.
  await expect(teammate).toHaveURL(/\/sign-in\?callbackUrl=%2Finvite%2F/);
  await teammate.getByLabel("Work email").fill(financeEmail);
  await teammate.getByRole("button", { name: "Email me a sign-in link" }).click();
  const signInLink = await linkFromMailbox(teammate, financeEmail, "/sign-in/verify");
  await teammate.goto(signInLink);
  await teammate.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(teammate.getByRole("heading", { name: "Join Initech Payments" })).toBeVisible();
  await teammate.getByRole("button", { name: "Accept invitation" }).click();
  await expect(teammate).toHaveURL(/\/w\/initech-payments\/overview/);

  await teammate.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Team" }).click();
  await expect(teammate.getByText("You are a finance here.")).toBeVisible();
  await expect(teammate.getByRole("button", { name: "Send invitation" })).toHaveCount(0);

  await owner.reload();
  await expect(owner.getByRole("listitem").filter({ hasText: financeEmail }).getByLabel(`Role of ${financeEmail}`)).toHaveValue("finance");
});
