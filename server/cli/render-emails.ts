/**
 * Renders every email template with its preview props to HTML and plain text, so the emails can be
 * looked at (or diffed) without a running server:
 *
 *   npm run email                      # into .data/email-preview/
 *   tsx server/cli/render-emails.ts out/   # into out/
 */
import fs from "node:fs/promises";
import path from "node:path";
import { createElement, type ReactElement } from "react";
import DunningEmail from "@/emails/dunning";
import ReceiptEmail from "@/emails/receipt";
import SignInEmail from "@/emails/sign-in";
import TeamInvitationEmail from "@/emails/team-invitation";
import { renderEmail } from "@/server/mail/render";
import { defaultPolicy, tones } from "@/server/recovery/policy";

/** Every template, and the dunning email once per tone with the default sequence's copy for it. */
function previews(): { name: string; element: ReactElement }[] {
  return [
    { name: "sign-in", element: createElement(SignInEmail, SignInEmail.PreviewProps) },
    { name: "team-invitation", element: createElement(TeamInvitationEmail, TeamInvitationEmail.PreviewProps) },
    ...tones.map((tone) => {
      const step = defaultPolicy.emails.find((s) => s.tone === tone) ?? { ...DunningEmail.PreviewProps.step, tone };
      return { name: `dunning-${tone}`, element: createElement(DunningEmail, { ...DunningEmail.PreviewProps, step }) };
    }),
    { name: "receipt", element: createElement(ReceiptEmail, ReceiptEmail.PreviewProps) },
  ];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0] === "--help" || args[0] === "-h") {
    console.error("Usage: tsx server/cli/render-emails.ts [outDir]   (default .data/email-preview)");
    return args[0]?.startsWith("-") ? 0 : 2;
  }
  const outDir = path.resolve(args[0] ?? path.join(".data", "email-preview"));
  await fs.mkdir(outDir, { recursive: true });
  for (const { name, element } of previews()) {
    const { html, text } = await renderEmail(element);
    const htmlPath = path.join(outDir, `${name}.html`);
    const textPath = path.join(outDir, `${name}.txt`);
    await fs.writeFile(htmlPath, html);
    await fs.writeFile(textPath, text);
    console.log(path.relative(process.cwd(), htmlPath) || htmlPath);
    console.log(path.relative(process.cwd(), textPath) || textPath);
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
