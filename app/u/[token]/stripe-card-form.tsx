"use client";

import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Spinner } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { finishStripeCardUpdate, startStripeCardUpdate } from "./actions";
import { CardUpdated } from "./card-update-form";
import { LinkStatus, Panel } from "./hosted-ui";
import type { CardFormState, Merchant } from "./types";

type Session = Awaited<ReturnType<typeof startStripeCardUpdate>>;

/**
 * Where live workspaces collect the new card: Stripe's Payment Element with a SetupIntent on the
 * merchant's account, so card data goes from the browser to Stripe and never through Reclaim. Kept
 * thin on purpose: Stripe.js loads from Stripe and cannot run in Reclaim's offline tests, so
 * everything that decides anything (the SetupIntent, reading its outcome back from Stripe, the
 * charges) is on the server (server/billing/stripe/card-update-page.ts, tested with a local Stripe).
 * The SetupIntent is made when the page runs in a browser, not when a mail scanner fetches it.
 */
export function StripeCardForm({ token, merchant, submitLabel, children }: { token: string; merchant: Merchant; submitLabel: string; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [state, setState] = useState<CardFormState>({ status: "idle" });
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    void startStripeCardUpdate(token, crypto.randomUUID()).then((s) => live && setSession(s));
    return () => {
      live = false;
    };
  }, [token]);

  useEffect(() => {
    if (state.status === "completed" || state.status === "link") headingRef.current?.focus();
  }, [state.status]);

  // Stripe.js loads from js.stripe.com; when it cannot (offline, blocked), the customer is told instead of facing a dead form.
  const [stripeLoadFailed, setStripeLoadFailed] = useState(false);
  const stripe = useMemo(
    () =>
      session?.ok
        ? loadStripe(session.publishableKey, session.stripeAccount ? { stripeAccount: session.stripeAccount } : undefined).catch(() => {
            setStripeLoadFailed(true);
            return null;
          })
        : null,
    [session],
  );

  if (state.status === "link") return <LinkStatus state={state.state} merchant={merchant} headingRef={headingRef} />;
  if (state.status === "completed") return <CardUpdated merchant={merchant} cardLabel={state.cardLabel} invoices={state.invoices} headingRef={headingRef} />;
  if (session && !session.ok && session.reason === "link") return <LinkStatus state={session.state} merchant={merchant} headingRef={headingRef} />;

  return (
    <Panel>
      {children}
      <div className="mt-6">
        {!session ? (
          <p className="flex items-center gap-2 text-sm text-zinc-600" role="status">
            <Spinner /> Preparing the secure card form…
          </p>
        ) : !session.ok ? (
          <Alert>{session.message}</Alert>
        ) : stripeLoadFailed ? (
          <Alert>The secure card form could not load from Stripe. Check your connection, or turn off a blocker for js.stripe.com, and reload the page.</Alert>
        ) : (
          <Elements
            key={session.clientSecret}
            stripe={stripe}
            options={{ clientSecret: session.clientSecret, appearance: { theme: "stripe", variables: { colorPrimary: merchant.palette.accent } } }}
          >
            <ConfirmForm token={token} submitLabel={submitLabel} onDone={setState} />
          </Elements>
        )}
        {state.status === "error" ? (
          <div className="mt-4">
            <Alert>{state.message}</Alert>
          </div>
        ) : null}
      </div>
    </Panel>
  );
}

function ConfirmForm({ token, submitLabel, onDone }: { token: string; submitLabel: string; onDone: (state: CardFormState) => void }) {
  const stripe = useStripe();
  const elements = useElements();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!stripe || !elements || pending) return;
    setPending(true);
    setMessage(null);
    try {
      const result = await stripe.confirmSetup({ elements, redirect: "if_required" });
      if (result.error) {
        setMessage(result.error.message ?? "Your card could not be saved. Try another card.");
        return;
      }
      onDone(await finishStripeCardUpdate(token, result.setupIntent.id));
    } catch {
      setMessage("We could not reach the server. Check your connection and try again: you will not be charged twice.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <PaymentElement onLoadError={() => setMessage("The secure card form could not load from Stripe. Check your connection and reload the page.")} />
      {message ? <Alert>{message}</Alert> : null}
      <button
        type="submit"
        disabled={!stripe || !elements || pending}
        aria-busy={pending || undefined}
        className="inline-flex min-h-11 w-full items-center justify-center gap-2 rounded-lg bg-(--accent) px-4 py-2.5 text-sm font-semibold text-(--on-accent) shadow-sm hover:brightness-95 disabled:opacity-60"
      >
        {pending ? <Spinner /> : null}
        {submitLabel}
      </button>
    </form>
  );
}
