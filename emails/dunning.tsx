import { Fragment, type CSSProperties, type ReactNode } from "react";
import { Body, Button, Container, Head, Hr, Html, Img, Link, Preview, Section, Text } from "react-email";
import type { Branding } from "@/server/messaging/branding";
import type { FinalAction, Placeholder, Tone } from "@/server/recovery/policy";
import type { MoneyLine } from "@/server/recovery/ports";
import { paragraph } from "./_components/email-layout";
import { formatDate, formatMoney, formatTotals, totalsByCurrency } from "./_components/money";

export type DunningEmailProps = {
  branding: Branding;
  customerName: string | null;
  /** The sequence step being sent. `subject` and `body` are the merchant's, with `{{placeholders}}`. */
  step: { day: number; tone: Tone; subject: string; body: string };
  /** Why the payment failed, phrased for the customer: "your card on file has expired". */
  reason: string;
  /** The customer's open invoices: one email covers all of them. */
  invoices: MoneyLine[];
  /** The hosted page where the customer puts a new card on file. */
  updateUrl: string;
  /** A one-pixel image that tells the merchant the email was opened (where the mail client loads images). */
  trackingPixelUrl?: string | null;
  finalAction: FinalAction;
  /** When the final action runs if nothing changes; shown as {{due_date}}. */
  finalActionAt: Date;
  /** The customer's locale and IANA timezone: amounts and dates are shown in them. */
  locale: string;
  timezone: string;
};

// ---------------------------------------------------------------------------------------------
// Placeholders. The merchant's subject and body are filled here and nowhere else, so the email,
// its plain-text part and the subject line always agree. Values are plain strings: the body is
// rendered as React text (escaped), the subject is a header and never HTML.

type PlaceholderValues = Record<Placeholder, string>;

const placeholderPattern = /\{\{([a-z_]+)\}\}/g;

/** What each `{{placeholder}}` stands for in this email. */
export function dunningPlaceholderValues(props: DunningEmailProps): PlaceholderValues {
  return {
    customer_name: props.customerName?.trim() || "there",
    amount: props.invoices.length > 0 ? formatTotals(props.invoices, props.locale) : "the amount due",
    merchant_name: props.branding.displayName,
    update_link: props.updateUrl,
    reason: props.reason.trim() || "your bank declined the payment",
    due_date: formatDate(props.finalActionAt, props.timezone, props.locale),
  };
}

function valueOf(values: PlaceholderValues, name: string): string | null {
  return Object.hasOwn(values, name) ? values[name as Placeholder] : null;
}

/** A text with its placeholders filled in; unknown `{{names}}` (the policy rejects them) stay as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(placeholderPattern, (match, name: string) => valueOf(values, name) ?? match);
}

/** The subject line of this step, filled in and kept on one line. */
export function dunningSubject(props: DunningEmailProps): string {
  return fillPlaceholders(props.step.subject, dunningPlaceholderValues(props)).replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/**
 * One line of the body as React nodes: text stays text (one string between links, so React adds no
 * comment markers to it), and `{{update_link}}` becomes a link.
 */
function renderLine(line: string, values: PlaceholderValues, linkStyle: CSSProperties): ReactNode[] {
  const nodes: ReactNode[] = [];
  let text = "";
  let last = 0;
  for (const match of line.matchAll(placeholderPattern)) {
    const name = match[1] ?? "";
    text += line.slice(last, match.index);
    last = match.index + match[0].length;
    if (name !== "update_link") {
      text += valueOf(values, name) ?? match[0];
      continue;
    }
    if (text) nodes.push(text);
    text = "";
    nodes.push(
      <Link key={match.index} href={values.update_link} style={linkStyle}>
        {values.update_link}
      </Link>,
    );
  }
  text += line.slice(last);
  if (text) nodes.push(text);
  return nodes;
}

/** The merchant's body as paragraphs: blank lines separate paragraphs, single newlines break lines. */
export function bodyParagraphs(body: string): string[][] {
  return body
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => paragraph.split("\n").map((line) => line.trimEnd()));
}

// ---------------------------------------------------------------------------------------------
// The merchant's frame, shared with the receipt.

const DEFAULT_ACCENT = "#4f46e5";

/** The accent colour when it is a hex colour (it ends up in style attributes), else Reclaim's. */
export function safeAccent(color: string): string {
  return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color : DEFAULT_ACCENT;
}

/** White or near-black, whichever reads better on the colour (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const full = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, "#$1$1$2$2$3$3") : hex;
  const channel = (offset: number) => {
    const c = Number.parseInt(full.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast of white on the colour is 1.05 / (L + 0.05); of #18181b, (L + 0.05) / 0.0595.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0595 ? "#ffffff" : "#18181b";
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

export const mutedText = { color: "#71717a", fontSize: 13, lineHeight: "20px", margin: "0 0 8px" } as const;

/** Frame of the emails a merchant's customers get: the merchant's name or logo, body, support footer. */
export function MerchantEmailLayout({
  branding,
  preview,
  why,
  children,
}: {
  branding: Branding;
  preview: string;
  /** One sentence that tells the customer why they got this email. */
  why: string;
  children: ReactNode;
}) {
  const accent = safeAccent(branding.accentColor);
  return (
    <Html lang="en">
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "Helvetica, Arial, sans-serif", margin: 0, padding: "24px 8px" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 8, maxWidth: 560, width: "100%", padding: "28px 24px 20px" }}>
          <Section style={{ borderBottom: `3px solid ${accent}`, marginBottom: 24, paddingBottom: 12 }}>
            {isHttpUrl(branding.logoUrl) ? (
              <Img src={branding.logoUrl} alt={branding.displayName} height={36} style={{ display: "block", maxWidth: 200, height: 36, width: "auto" }} />
            ) : (
              <Text style={{ fontSize: 18, fontWeight: 700, margin: 0, color: "#18181b" }}>{branding.displayName}</Text>
            )}
          </Section>
          {children}
          <Hr style={{ borderColor: "#e4e4e7", margin: "28px 0 12px" }} />
          <Text style={{ ...mutedText, fontSize: 12, lineHeight: "18px" }}>
            {branding.supportEmail ? (
              <>
                {`Questions? Write to ${branding.displayName} at `}
                <Link href={`mailto:${branding.supportEmail}`} style={{ color: "#52525b", textDecoration: "underline" }}>
                  {branding.supportEmail}
                </Link>
                .
              </>
            ) : (
              `Questions? Contact ${branding.displayName}'s support team.`
            )}
          </Text>
          <Text style={{ ...mutedText, fontSize: 12, lineHeight: "18px", margin: 0 }}>{why}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** The invoices with their amounts, and a total per currency when there is more than one invoice. */
export function InvoiceTable({ invoices, locale, caption }: { invoices: MoneyLine[]; locale: string; caption: string }) {
  const totals = totalsByCurrency(invoices);
  const invoiceCount = (currency: string) => invoices.filter((i) => i.currency.toUpperCase() === currency).length;
  // A total is only worth a row when it adds invoices up; amounts in different currencies never are.
  const totalRows = totals.filter((t) => invoiceCount(t.currency) > 1);
  const cell = { borderBottom: "1px solid #e4e4e7", color: "#27272a", fontSize: 14, padding: "10px 0" } as const;
  const amountCell = { ...cell, textAlign: "right", whiteSpace: "nowrap", paddingLeft: 12 } as const;
  const totalCell = { ...cell, borderBottom: "none", fontWeight: 700 } as const;
  return (
    <Section style={{ margin: "8px 0 24px" }}>
      <Text style={{ ...paragraph, fontWeight: 700, margin: "0 0 4px" }}>{caption}</Text>
      <table data-text-format="dataTable" width="100%" cellPadding={0} cellSpacing={0} style={{ borderCollapse: "collapse", width: "100%" }}>
        <thead>
          <tr>
            <th scope="col" style={{ ...cell, color: "#71717a", fontSize: 12, fontWeight: 600, textAlign: "left" }}>
              Invoice
            </th>
            <th scope="col" style={{ ...amountCell, color: "#71717a", fontSize: 12, fontWeight: 600 }}>
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice, index) => (
            <tr key={`${invoice.invoiceNumber}-${index}`}>
              <td style={{ ...cell, wordBreak: "break-all" }}>{invoice.invoiceNumber}</td>
              <td style={amountCell}>{formatMoney(invoice.amount, invoice.currency, locale)}</td>
            </tr>
          ))}
          {totalRows.map((total) => (
            <tr key={`total-${total.currency}`}>
              <td style={totalCell}>{totals.length > 1 ? `Total in ${total.currency}` : "Total"}</td>
              <td style={{ ...amountCell, ...totalCell, textAlign: "right" }}>{formatMoney(total.amount, total.currency, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// Tone

const buttonLabels: Record<Tone, string> = {
  friendly: "Update your card",
  reminder: "Update payment method",
  urgent: "Update payment method",
  final: "Update your card now to keep your subscription",
};

/** What happens at the end of the window, said once and plainly in the final notice. */
function consequence(finalAction: FinalAction, date: string): string {
  switch (finalAction) {
    case "cancel":
      return `Your subscription will be cancelled on ${date} unless the payment is completed before then.`;
    case "pause":
      return `Your subscription will be paused on ${date} unless the payment is completed before then.`;
    case "mark_uncollectible":
      return `On ${date} we'll stop retrying the payment, and your subscription may end.`;
    case "leave_past_due":
      return `On ${date} we'll stop retrying the payment, and your access may be limited.`;
  }
}

function Notice({ tone, date, finalAction }: { tone: Tone; date: string; finalAction: FinalAction }) {
  if (tone === "urgent") {
    return (
      <Section style={{ backgroundColor: "#fffbeb", borderLeft: "4px solid #d97706", borderRadius: 6, margin: "0 0 20px", padding: "12px 16px" }}>
        <Text style={{ ...paragraph, color: "#78350f", margin: 0 }}>
          <strong>Action needed.</strong>
          {` To keep your subscription running without interruption, please update your payment details by ${date}.`}
        </Text>
      </Section>
    );
  }
  if (tone === "final") {
    return (
      <Section style={{ backgroundColor: "#fef2f2", border: "1px solid #fecaca", borderLeft: "4px solid #dc2626", borderRadius: 6, margin: "0 0 20px", padding: "12px 16px" }}>
        <Text style={{ ...paragraph, color: "#7f1d1d", fontSize: 16, fontWeight: 700, margin: "0 0 4px" }}>Final notice</Text>
        <Text style={{ ...paragraph, color: "#7f1d1d", margin: 0 }}>
          {`${consequence(finalAction, date)} Updating your card takes about a minute.`}
        </Text>
      </Section>
    );
  }
  return null;
}

function previewLine(tone: Tone, values: PlaceholderValues): string {
  switch (tone) {
    case "friendly":
    case "reminder":
      return `Your payment of ${values.amount} to ${values.merchant_name} didn't go through. Updating your card takes a minute.`;
    case "urgent":
      return `Your ${values.merchant_name} payment of ${values.amount} is still outstanding. Please update your card by ${values.due_date}.`;
    case "final":
      return `Final notice: update your card by ${values.due_date} to keep your ${values.merchant_name} subscription.`;
  }
}

// ---------------------------------------------------------------------------------------------

/** A step of the dunning sequence: the merchant's words, a button to update the card, what is owed. */
export default function DunningEmail(props: DunningEmailProps) {
  const { branding, step, invoices, updateUrl, locale } = props;
  const values = dunningPlaceholderValues(props);
  const accent = safeAccent(branding.accentColor);
  const linkStyle = { color: accent, textDecoration: "underline", wordBreak: "break-all" } as const;
  const bodyHasLink = step.body.includes("{{update_link}}");
  const emphasis = step.tone === "final" || step.tone === "urgent";
  return (
    <MerchantEmailLayout
      branding={branding}
      preview={previewLine(step.tone, values)}
      why={`You're receiving this email because a payment for your ${branding.displayName} subscription didn't go through. These reminders stop as soon as it's paid.`}
    >
      <Notice tone={step.tone} date={values.due_date} finalAction={props.finalAction} />
      {bodyParagraphs(step.body).map((lines, p) => (
        <Text key={p} style={paragraph}>
          {lines.map((line, l) => (
            <Fragment key={l}>
              {l > 0 ? <br /> : null}
              {renderLine(line, values, linkStyle)}
            </Fragment>
          ))}
        </Text>
      ))}
      <Section style={{ margin: "8px 0 24px" }}>
        <Button
          href={updateUrl}
          style={{
            backgroundColor: accent,
            borderRadius: 6,
            color: textColorOn(accent),
            display: "block",
            fontSize: emphasis ? 16 : 15,
            fontWeight: 600,
            lineHeight: "22px",
            padding: "14px 20px",
            textAlign: "center",
            textDecoration: "none",
          }}
        >
          {buttonLabels[step.tone]}
        </Button>
      </Section>
      {bodyHasLink ? null : (
        <Text style={mutedText}>
          If the button doesn&apos;t work, copy this address into your browser:{" "}
          <Link href={updateUrl} style={linkStyle}>
            {updateUrl}
          </Link>
        </Text>
      )}
      {invoices.length > 0 ? <InvoiceTable invoices={invoices} locale={locale} caption="What's due" /> : null}
      {props.trackingPixelUrl ? (
        <Img src={props.trackingPixelUrl} alt="" width={1} height={1} style={{ display: "block", width: 1, height: 1, border: 0 }} />
      ) : null}
    </MerchantEmailLayout>
  );
}

DunningEmail.PreviewProps = {
  branding: {
    displayName: "Acme Analytics",
    logoUrl: null,
    accentColor: "#0f766e",
    supportEmail: "billing@acme.example",
  },
  customerName: "Ada Lovelace",
  step: {
    day: 0,
    tone: "friendly",
    subject: "Your {{merchant_name}} payment didn't go through",
    body: [
      "Hi {{customer_name}},",
      "We tried to charge {{amount}} for your {{merchant_name}} subscription, but the payment didn't go through. The bank's reason: {{reason}}.",
      "This happens, often because a card has expired or been replaced. Your account is still active, and nothing is lost.",
      "You can check or update your card here; it takes about a minute:\n{{update_link}}",
      "As soon as the card is updated, we'll retry the payment for you.",
      "Thanks,\nThe {{merchant_name}} team",
    ].join("\n\n"),
  },
  reason: "your card on file has expired",
  invoices: [{ invoiceNumber: "ACME-0042", amount: 4900, currency: "usd" }],
  updateUrl: "http://localhost:3000/update/example-token",
  finalAction: "cancel",
  finalActionAt: new Date("2026-07-04T14:00:00Z"),
  locale: "en-US",
  timezone: "America/New_York",
} satisfies DunningEmailProps;
