/**
 * What the hosted card-update page passes between the server and the browser.
 * Only display data: names, formatted amounts, the new card's brand and last
 * four digits. Card numbers never appear here.
 */

/** The merchant as the customer sees them. Every string is rendered as React text. */
export type Merchant = {
  name: string;
  /** An http(s) address (validated by the branding resolver), or null to show the name. */
  logoUrl: string | null;
  supportEmail: string | null;
  /** The accent colour (validated hex), the text colour readable on it, and a focus colour visible on white. */
  palette: { accent: string; onAccent: string; focus: string };
  sandbox: boolean;
};

/** A link the page cannot take a card through. */
export type InvalidLinkState = "not_found" | "expired" | "used" | "settled";

export type CardField = "number" | "expiry" | "cvc";
export type FieldErrors = Partial<Record<CardField, string>>;

export type InvoiceOutcome = {
  id: string;
  invoiceNumber: string;
  amountLabel: string;
  outcome: "paid" | "failed" | "requires_action" | "already_settled";
  /** For the customer: what happened and what to do next. */
  message: string;
  /** An http(s) page where the customer confirms the payment with their bank, when there is one. */
  actionUrl: string | null;
};

export type CardFormState =
  | { status: "idle" }
  | { status: "invalid"; errors: FieldErrors }
  | { status: "error"; message: string }
  | { status: "link"; state: InvalidLinkState }
  | { status: "completed"; cardLabel: string; invoices: InvoiceOutcome[] };
