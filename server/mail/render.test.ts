import { render } from "@react-email/render";
import { createElement, type ReactElement } from "react";
import { describe, expect, it } from "vitest";
import DunningEmail from "@/emails/dunning";
import ReceiptEmail from "@/emails/receipt";
import SignInEmail from "@/emails/sign-in";
import TeamInvitationEmail from "@/emails/team-invitation";
import { tones } from "@/server/recovery/policy";
import { renderEmail } from "./render";

const templates: [string, ReactElement][] = [
  ["sign-in", createElement(SignInEmail, SignInEmail.PreviewProps)],
  ["team-invitation", createElement(TeamInvitationEmail, TeamInvitationEmail.PreviewProps)],
  ["receipt", createElement(ReceiptEmail, ReceiptEmail.PreviewProps)],
  ...tones.map((tone): [string, ReactElement] => [
    `dunning (${tone})`,
    createElement(DunningEmail, { ...DunningEmail.PreviewProps, step: { ...DunningEmail.PreviewProps.step, tone } }),
  ]),
  [
    "dunning with markup-like names, a logo and a tracking pixel",
    createElement(DunningEmail, {
      ...DunningEmail.PreviewProps,
      branding: { ...DunningEmail.PreviewProps.branding, displayName: `Tom & Jerry's <b>"Shop"</b>`, logoUrl: "https://cdn.example/logo.png" },
      customerName: "<script>alert(1)</script> Zoë",
      trackingPixelUrl: "https://app.example/o/abc.gif",
    }),
  ],
];

describe("renderEmail", () => {
  // The text part used to come from a second render with { plainText: true }: it must not change.
  it.each(templates)("%s: one render gives the same HTML and the same plain text as two renders did", async (_name, element) => {
    const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
    const rendered = await renderEmail(element);
    expect(rendered.html).toBe(html);
    expect(rendered.text).toBe(text);
  });

  it("the text part carries the link and the amounts, and no markup", async () => {
    const { text } = await renderEmail(createElement(DunningEmail, DunningEmail.PreviewProps));
    expect(text).toContain(DunningEmail.PreviewProps.updateUrl);
    expect(text).toContain("ACME-0042");
    expect(text).toContain("Ada Lovelace");
    expect(text).not.toMatch(/<[a-z!/]/i);
  });
});
