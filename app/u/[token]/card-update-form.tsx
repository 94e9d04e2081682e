"use client";

import { CircleCheck, FlaskConical } from "lucide-react";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from "react";
import { Spinner } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { updateCard } from "./actions";
import { ContactLine, LinkStatus, noOutline, Panel } from "./hosted-ui";
import type { CardField, CardFormState, InvoiceOutcome, Merchant } from "./types";

const fieldOrder: CardField[] = ["number", "expiry", "cvc"];
const fieldIds: Record<CardField, string> = { number: "card-number", expiry: "card-expiry", cvc: "card-cvc" };

/** "4242424242424242" → "4242 4242 4242 4242" (digits only, at most 19). */
function groupCardNumber(value: string): string {
  return value
    .replace(/\D/g, "")
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** Typing "1225" gives "12 / 25"; "4" gives "04"; an autofilled "12/2034" gives "12 / 34". */
function formatExpiry(value: string): string {
  const full = /^\s*(\d{1,2})\s*\/\s*(\d{4})\s*$/.exec(value);
  if (full) return `${full[1]!.padStart(2, "0")} / ${full[2]!.slice(2)}`;
  let digits = value.replace(/\D/g, "").slice(0, 4);
  if (/^[2-9]$/.test(digits) || (digits.length === 1 && value.includes("/"))) digits = `0${digits}`;
  return digits.length > 2 ? `${digits.slice(0, 2)} / ${digits.slice(2)}` : digits;
}

const inputClass = (invalid: boolean) =>
  cn(
    "block min-h-12 w-full rounded-lg border bg-white px-3.5 py-2.5 text-base text-zinc-900 shadow-sm tabular-nums placeholder:text-zinc-400",
    "focus:border-(--accent-focus) focus:outline-none focus:ring-2 focus:ring-(--accent-focus)/30 disabled:bg-zinc-50 disabled:text-zinc-500",
    invalid ? "border-red-500" : "border-zinc-300",
  );

/**
 * The sandbox card form and what follows it. Before submitting it shows `children` (who the page
 * is for, what is owed) above the form; afterwards, the outcome of every invoice, or what the
 * link says when it stopped working in the meantime.
 */
export function SandboxCardForm({
  token,
  merchant,
  submitLabel,
  testCards,
  children,
}: {
  token: string;
  merchant: Merchant;
  submitLabel: string;
  testCards: { number: string; label: string }[];
  children: ReactNode;
}) {
  const [state, dispatch, pending] = useActionState<CardFormState, FormData>(updateCard, { status: "idle" });
  const [values, setValues] = useState<Record<CardField, string>>({ number: "", expiry: "", cvc: "" });
  const submitting = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    submitting.current = false;
    if (state.status === "invalid") {
      const first = fieldOrder.find((f) => state.errors[f]);
      if (first) document.getElementById(fieldIds[first])?.focus();
    } else if (state.status === "completed" || state.status === "link") {
      headingRef.current?.focus();
    }
  }, [state]);

  if (state.status === "link") {
    return <LinkStatus state={state.state} merchant={state.state === "not_found" ? null : merchant} headingRef={headingRef} />;
  }
  if (state.status === "completed") {
    return <CardUpdated merchant={merchant} cardLabel={state.cardLabel} invoices={state.invoices} headingRef={headingRef} />;
  }

  const errors = state.status === "invalid" ? state.errors : {};
  const set = (field: CardField, value: string) => setValues((v) => ({ ...v, [field]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    // Submitted here rather than by React's form action: the fields keep what was typed when the
    // server asks for a correction (React resets a form after its action), and a second press
    // while the first is on its way does nothing.
    event.preventDefault();
    if (pending || submitting.current) return;
    submitting.current = true;
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  }

  function fillTestCard(number: string) {
    setValues((v) => ({
      number: groupCardNumber(number),
      expiry: v.expiry || `12 / ${String((new Date().getFullYear() + 3) % 100).padStart(2, "0")}`,
      cvc: v.cvc || "123",
    }));
    document.getElementById(fieldIds.number)?.focus();
  }

  const describedBy = (field: CardField) => `${fieldIds[field]}-${errors[field] ? "error" : "hint"}`;

  return (
    <Panel>
      {children}
      <section aria-labelledby="sandbox-hint-title" className="mt-6 rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950">
        <h2 id="sandbox-hint-title" className="flex items-center gap-2 font-semibold">
          <FlaskConical className="size-4" aria-hidden="true" />
          Sandbox: use a test card
        </h2>
        <p className="mt-1 leading-6 text-amber-900">
          This is a test workspace: no real card is charged. Choose a test card to fill in the form, or type one with any future
          expiry date and any 3-digit code.
        </p>
        <ul className="mt-3 space-y-2">
          {testCards.map((card) => (
            <li key={card.number}>
              <button
                type="button"
                onClick={() => fillTestCard(card.number)}
                disabled={pending}
                className="flex min-h-11 w-full flex-wrap items-center justify-between gap-x-3 gap-y-0.5 rounded-lg border border-amber-200 bg-white px-3 py-2 text-left hover:border-amber-400 disabled:opacity-60"
              >
                <span className="font-mono text-sm text-zinc-900">{groupCardNumber(card.number)}</span>
                <span className="text-xs text-amber-900">{card.label}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form action={dispatch} onSubmit={onSubmit} noValidate className="mt-6 space-y-5">
        <input type="hidden" name="token" value={token} />
        <fieldset disabled={pending} className="space-y-4">
          <legend className="mb-3 text-base font-semibold text-zinc-900">Card details</legend>
          <Field id={fieldIds.number} label="Card number" error={errors.number} hint="The long number on the front of your card.">
            <input
              id={fieldIds.number}
              name="number"
              type="text"
              inputMode="numeric"
              autoComplete="cc-number"
              autoCorrect="off"
              spellCheck={false}
              placeholder="1234 1234 1234 1234"
              value={values.number}
              onChange={(e) => set("number", groupCardNumber(e.target.value))}
              aria-invalid={errors.number ? true : undefined}
              aria-describedby={describedBy("number")}
              className={inputClass(Boolean(errors.number))}
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field id={fieldIds.expiry} label="Expiry date" error={errors.expiry} hint="MM / YY">
              <input
                id={fieldIds.expiry}
                name="expiry"
                type="text"
                inputMode="numeric"
                autoComplete="cc-exp"
                autoCorrect="off"
                spellCheck={false}
                placeholder="MM / YY"
                value={values.expiry}
                onChange={(e) => set("expiry", formatExpiry(e.target.value))}
                aria-invalid={errors.expiry ? true : undefined}
                aria-describedby={describedBy("expiry")}
                className={inputClass(Boolean(errors.expiry))}
              />
            </Field>
            <Field id={fieldIds.cvc} label="Security code" error={errors.cvc} hint="3 or 4 digits (CVC)">
              <input
                id={fieldIds.cvc}
                name="cvc"
                type="text"
                inputMode="numeric"
                autoComplete="cc-csc"
                autoCorrect="off"
                spellCheck={false}
                placeholder="123"
                value={values.cvc}
                onChange={(e) => set("cvc", e.target.value.replace(/\D/g, "").slice(0, 4))}
                aria-invalid={errors.cvc ? true : undefined}
                aria-describedby={describedBy("cvc")}
                className={inputClass(Boolean(errors.cvc))}
              />
            </Field>
          </div>
        </fieldset>

        {state.status === "error" ? <Alert>{state.message}</Alert> : null}

        <button
          type="submit"
          disabled={pending}
          aria-busy={pending || undefined}
          className="inline-flex min-h-12 w-full items-center justify-center gap-2 rounded-lg bg-(--accent) px-4 py-3 text-base font-semibold text-(--on-accent) shadow-sm transition hover:brightness-95 disabled:cursor-wait disabled:opacity-70"
        >
          {pending ? <Spinner className="size-5" /> : null}
          {pending ? "Updating your card…" : submitLabel}
        </button>
        <p role="status" aria-live="polite" className="sr-only">
          {pending ? "Updating your card. This takes a few seconds; please keep this page open." : ""}
        </p>
        <p className="text-center text-xs leading-5 text-zinc-500">
          Your card becomes the card on file with {merchant.name}, and what you owe is charged to it right away.
        </p>
      </form>

    </Panel>
  );
}

const outcomeBadge: Record<InvoiceOutcome["outcome"], { label: string; className: string }> = {
  paid: { label: "Paid", className: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  already_settled: { label: "Already paid", className: "bg-zinc-100 text-zinc-700 ring-zinc-200" },
  failed: { label: "Declined", className: "bg-red-50 text-red-800 ring-red-200" },
  requires_action: { label: "Needs your confirmation", className: "bg-amber-50 text-amber-900 ring-amber-200" },
};

export function CardUpdated({
  merchant,
  cardLabel,
  invoices,
  headingRef,
}: {
  merchant: Merchant;
  cardLabel: string;
  invoices: InvoiceOutcome[];
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const open = invoices.filter((i) => i.outcome === "failed" || i.outcome === "requires_action");
  return (
    <Panel>
      <div className="flex flex-col items-center text-center">
        <span className="flex size-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-700">
          <CircleCheck className="size-6" aria-hidden="true" />
        </span>
        <h1 ref={headingRef} tabIndex={-1} style={noOutline} className="mt-4 text-xl font-semibold tracking-tight text-zinc-900">
          Your card is updated
        </h1>
        <p className="mt-2 text-sm leading-6 text-zinc-600">
          {cardLabel} is now your card on file with {merchant.name}.{" "}
          {invoices.length === 0
            ? "There was nothing left to pay."
            : open.length === 0
              ? "Thank you: everything you owed is paid."
              : open.length < invoices.length
                ? "Some payments did not go through yet; see below."
                : invoices.length === 1
                  ? "The payment did not go through yet; see below."
                  : "The payments did not go through yet; see below."}
        </p>
      </div>

      {invoices.length > 0 ? (
        <ul className="mt-6 divide-y divide-zinc-100 rounded-xl border border-zinc-200" aria-label="Payments">
          {invoices.map((invoice) => {
            const badge = outcomeBadge[invoice.outcome];
            return (
              <li key={invoice.id} className="space-y-2 px-4 py-3.5">
                <div className="flex items-baseline justify-between gap-3">
                  <span className="min-w-0 break-words text-sm text-zinc-700">Invoice {invoice.invoiceNumber}</span>
                  <span className="shrink-0 text-sm font-semibold tabular-nums text-zinc-900">{invoice.amountLabel}</span>
                </div>
                <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", badge.className)}>
                  {badge.label}
                </span>
                {invoice.outcome === "failed" || invoice.outcome === "requires_action" ? (
                  <p className="text-sm leading-6 text-zinc-600">{invoice.message}</p>
                ) : null}
                {invoice.outcome === "requires_action" && invoice.actionUrl ? (
                  <a
                    href={invoice.actionUrl}
                    rel="noopener noreferrer"
                    className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-(--accent) px-4 py-2.5 text-sm font-semibold text-(--on-accent) shadow-sm hover:brightness-95"
                  >
                    Confirm the payment with your bank
                  </a>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}

      {open.length > 0 ? (
        <div className="mt-5">
          <ContactLine
            merchant={merchant}
            purpose={
              open.some((i) => i.outcome === "failed")
                ? "To pay with a different card"
                : open.some((i) => !i.actionUrl)
                  ? "To confirm the payment"
                  : undefined
            }
          />
        </div>
      ) : null}
    </Panel>
  );
}
