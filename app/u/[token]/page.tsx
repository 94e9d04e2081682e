import type { Metadata } from "next";
import { testCards } from "@/server/billing/sandbox/test-cards";
import { SandboxCardForm } from "./card-update-form";
import { HostedFrame, LinkStatus } from "./hosted-ui";
import { loadCardUpdatePage, type CardUpdatePageData } from "./load";
import { StripeCardForm } from "./stripe-card-form";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token } = await params;
  const data = await loadCardUpdatePage(token);
  return {
    title: { absolute: data.merchant ? `Update your payment method · ${data.merchant.name}` : "This link is not valid" },
    robots: { index: false, follow: false },
    // The address holds the link's token: no referrer to other sites (a logo's host, a bank's page).
    // Not "no-referrer": a form post would then send `Origin: null`, which Next.js refuses for server actions.
    referrer: "same-origin",
  };
}

/** The test cards the sandbox hint offers: one that pays, one that declines, one that asks for 3-D Secure. */
const hintCards = ["4242424242424242", "4000000000009995", "4000002760003184"].flatMap((number) => {
  const card = testCards.find((c) => c.number === number);
  return card ? [{ number: card.number, label: card.label }] : [];
});

/** The hosted card-update page a customer reaches from a dunning email. No sign-in: the link's token is the key. */
export default async function CardUpdatePage({ params }: Props) {
  const { token } = await params;
  const data = await loadCardUpdatePage(token);
  if (data.state !== "valid") {
    return (
      <HostedFrame merchant={data.merchant}>
        <LinkStatus state={data.state} merchant={data.merchant} />
      </HostedFrame>
    );
  }

  const summary = <Summary data={data} />;
  return (
    <HostedFrame merchant={data.merchant}>
      {data.mode === "sandbox" ? (
        <SandboxCardForm token={token} merchant={data.merchant} submitLabel={submitLabel(data)} testCards={hintCards}>
          {summary}
        </SandboxCardForm>
      ) : (
        <StripeCardForm token={token} merchant={data.merchant} submitLabel={submitLabel(data)}>
          {summary}
        </StripeCardForm>
      )}
    </HostedFrame>
  );
}

type ValidPage = Extract<CardUpdatePageData, { state: "valid" }>;

function submitLabel(data: ValidPage): string {
  if (data.invoices.length === 0) return "Save card";
  const [only, ...others] = data.totals;
  return only && others.length === 0 ? `Update card and pay ${only.amountLabel}` : "Update card and pay";
}

function Summary({ data }: { data: ValidPage }) {
  const { merchant, customer, invoices, totals } = data;
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900 sm:text-2xl">Update your payment method</h1>
        <p className="mt-2 text-sm leading-6 text-zinc-600">
          {invoices.length > 0
            ? `A recent payment to ${merchant.name} did not go through. Enter a card below to pay what is due.`
            : `Enter the card you want ${merchant.name} to use for your payments.`}
        </p>
      </div>

      {customer.name || customer.email ? (
        <div className="rounded-xl bg-zinc-50 px-4 py-3 text-sm">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Account</p>
          {customer.name ? <p className="mt-1 font-medium text-zinc-900">{customer.name}</p> : null}
          {customer.email ? <p className={customer.name ? "break-all text-zinc-600" : "mt-1 break-all font-medium text-zinc-900"}>{customer.email}</p> : null}
        </div>
      ) : null}

      {invoices.length > 0 ? (
        <section aria-labelledby="amount-due-title">
          <h2 id="amount-due-title" className="text-base font-semibold text-zinc-900">
            Amount due
          </h2>
          <ul className="mt-2 divide-y divide-zinc-100 rounded-xl border border-zinc-200">
            {invoices.map((invoice) => (
              <li key={invoice.id} className="flex items-baseline justify-between gap-3 px-4 py-3 text-sm">
                <span className="min-w-0 break-words text-zinc-700">Invoice {invoice.invoiceNumber}</span>
                <span className="shrink-0 font-semibold tabular-nums text-zinc-900">{invoice.amountLabel}</span>
              </li>
            ))}
            {totals
              .filter((total) => total.invoiceCount > 1)
              .map((total) => (
                <li key={total.currency} className="flex items-baseline justify-between gap-3 bg-zinc-50 px-4 py-3 text-sm last:rounded-b-xl">
                  <span className="font-medium text-zinc-900">{totals.length === 1 ? "Total" : `Total in ${total.currency}`}</span>
                  <span className="shrink-0 font-semibold tabular-nums text-zinc-900">{total.amountLabel}</span>
                </li>
              ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
