import { Section, Text } from "react-email";
import type { Branding } from "@/server/messaging/branding";
import type { MoneyLine } from "@/server/recovery/ports";
import { paragraph } from "./_components/email-layout";
import { formatDate, formatTotals } from "./_components/money";
import { InvoiceTable, MerchantEmailLayout, mutedText } from "./dunning";

export type ReceiptEmailProps = {
  branding: Branding;
  customerName: string | null;
  paidAt: Date;
  /** The invoices this payment settled. */
  invoices: MoneyLine[];
  /** How it was paid, as the customer knows the card: "Visa ending 4242". */
  paymentMethodLabel: string | null;
  locale: string;
  timezone: string;
};

/** The subject line of a receipt. */
export function receiptSubject({ branding }: Pick<ReceiptEmailProps, "branding">): string {
  return `Receipt for your ${branding.displayName} payment`.replace(/[\r\n]+/g, " ");
}

/** Sent when a recovered payment goes through: what was paid, when, and with which card. */
export default function ReceiptEmail({ branding, customerName, paidAt, invoices, paymentMethodLabel, locale, timezone }: ReceiptEmailProps) {
  const total = invoices.length > 0 ? formatTotals(invoices, locale) : null;
  const date = formatDate(paidAt, timezone, locale);
  const name = customerName?.trim();
  return (
    <MerchantEmailLayout
      branding={branding}
      preview={total ? `We've received your payment of ${total}. Thank you!` : "We've received your payment. Thank you!"}
      why={`You're receiving this receipt because you made a payment to ${branding.displayName}. Keep it for your records.`}
    >
      <Section style={{ backgroundColor: "#f0fdf4", borderLeft: "4px solid #16a34a", borderRadius: 6, margin: "0 0 20px", padding: "12px 16px" }}>
        <Text style={{ ...paragraph, color: "#14532d", fontSize: 16, fontWeight: 700, margin: "0 0 4px" }}>Payment received</Text>
        <Text style={{ ...paragraph, color: "#14532d", margin: 0 }}>
          {total ? `${total} paid on ${date}.` : `Paid on ${date}.`}
        </Text>
      </Section>
      <Text style={paragraph}>{name ? `Hi ${name},` : "Hi there,"}</Text>
      <Text style={paragraph}>
        {`Thank you! Your payment to ${branding.displayName} went through, and there's nothing more you need to do. Here are the details for your records.`}
      </Text>
      {invoices.length > 0 ? <InvoiceTable invoices={invoices} locale={locale} caption="Invoices paid" /> : null}
      <Text style={mutedText}>{`Payment date: ${date}`}</Text>
      {paymentMethodLabel?.trim() ? <Text style={mutedText}>{`Paid with: ${paymentMethodLabel.trim()}`}</Text> : null}
      <Text style={{ ...paragraph, marginTop: 16 }}>{`Thanks for staying with ${branding.displayName}.`}</Text>
    </MerchantEmailLayout>
  );
}

ReceiptEmail.PreviewProps = {
  branding: {
    displayName: "Acme Analytics",
    logoUrl: null,
    accentColor: "#0f766e",
    supportEmail: "billing@acme.example",
  },
  customerName: "Ada Lovelace",
  paidAt: new Date("2026-06-12T15:30:00Z"),
  invoices: [
    { invoiceNumber: "ACME-0042", amount: 4900, currency: "usd" },
    { invoiceNumber: "ACME-0057", amount: 4900, currency: "usd" },
  ],
  paymentMethodLabel: "Visa ending 4242",
  locale: "en-US",
  timezone: "America/New_York",
} satisfies ReceiptEmailProps;
