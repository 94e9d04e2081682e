import { CircleCheck, Clock, Link2Off, Lock, type LucideIcon } from "lucide-react";
import type { CSSProperties, ReactNode, Ref } from "react";
import { MerchantLogo } from "./merchant-logo";
import type { InvalidLinkState, Merchant } from "./types";

/*
 * The building blocks of the hosted card-update page, shared by the server page and the client
 * form. The merchant's branding only reaches the markup as React text, as an <img> address the
 * branding resolver checked is http(s), and as validated hex colours in custom properties.
 */

/** The page around a hosted panel: the merchant's header, one centred column, a small footer. */
export function HostedFrame({ merchant, children }: { merchant: Merchant | null; children: ReactNode }) {
  const style = merchant
    ? ({
        "--accent": merchant.palette.accent,
        "--on-accent": merchant.palette.onAccent,
        "--accent-focus": merchant.palette.focus,
        // The global :focus-visible outline reads this: focus rings follow the merchant's colour.
        "--color-brand-600": merchant.palette.focus,
      } as CSSProperties)
    : ({ "--accent": "#18181b", "--on-accent": "#ffffff", "--accent-focus": "#18181b", "--color-brand-600": "#18181b" } as CSSProperties);
  return (
    <div style={style} className="flex min-h-screen flex-col bg-zinc-50">
      {merchant ? (
        <header className="bg-(--accent) text-(--on-accent)">
          <div className="mx-auto flex min-h-16 w-full max-w-lg items-center justify-between gap-3 px-4 py-3">
            {merchant.logoUrl ? (
              <MerchantLogo src={merchant.logoUrl} name={merchant.name} />
            ) : (
              <span className="truncate text-lg font-semibold tracking-tight">{merchant.name}</span>
            )}
            {merchant.sandbox ? (
              <span className="shrink-0 rounded-full bg-white px-2.5 py-1 text-xs font-semibold text-amber-800 ring-1 ring-amber-300">
                Test mode
              </span>
            ) : null}
          </div>
        </header>
      ) : null}
      <main id="main" className="flex-1 px-4 py-6 sm:py-10">
        <div className="mx-auto w-full max-w-lg">{children}</div>
      </main>
      <footer className="px-4 pb-8 pt-2 text-center">
        <p className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
          <Lock className="size-3.5" aria-hidden="true" />
          Secured by Reclaim
        </p>
      </footer>
    </div>
  );
}

/** The white card that holds the page's content. */
export function Panel({ children }: { children: ReactNode }) {
  return <section className="rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-7">{children}</section>;
}

/**
 * How to reach the merchant, as one sentence: their support address when they gave one, else
 * their emails. `purpose` starts the sentence ("For a new link" → "For a new link, contact …").
 */
export function ContactLine({ merchant, purpose }: { merchant: Merchant; purpose?: string }) {
  const contact = purpose ? `${purpose}, contact` : "Questions? Contact";
  const reply = purpose ? `${purpose}, reply` : "Questions? Reply";
  return (
    <p className="text-sm leading-6 text-zinc-600">
      {merchant.supportEmail ? (
        <>
          {contact} {merchant.name} at{" "}
          <a
            href={`mailto:${merchant.supportEmail}`}
            className="font-medium break-all text-zinc-900 underline decoration-zinc-400 underline-offset-2 hover:decoration-zinc-900"
          >
            {merchant.supportEmail}
          </a>
          .
        </>
      ) : (
        <>
          {reply} to the latest email you received from {merchant.name}.
        </>
      )}
    </p>
  );
}

/**
 * For a heading that receives focus from script (so screen readers announce what changed): it is
 * not interactive, so it shows no focus ring. Inline, because the global :focus-visible rule is
 * not in a layer and wins over utilities.
 */
export const noOutline: CSSProperties = { outline: "none" };

const statusCopy: Record<InvalidLinkState, { icon: LucideIcon; title: string }> = {
  not_found: { icon: Link2Off, title: "This link is not valid" },
  expired: { icon: Clock, title: "This link has expired" },
  used: { icon: CircleCheck, title: "Your card was already updated through this link" },
  settled: { icon: CircleCheck, title: "Nothing to pay: your account is up to date" },
};

/** What a link that cannot take a card says instead: friendly, and with the merchant's contact when known. */
export function LinkStatus({
  state,
  merchant,
  headingRef,
}: {
  state: InvalidLinkState;
  merchant: Merchant | null;
  headingRef?: Ref<HTMLHeadingElement>;
}) {
  const { icon: Icon, title } = statusCopy[state];
  return (
    <Panel>
      <div className="flex flex-col items-center text-center">
        <span className="flex size-12 items-center justify-center rounded-full bg-zinc-100 text-(--accent-focus)">
          <Icon className="size-6" aria-hidden="true" />
        </span>
        <h1 ref={headingRef} tabIndex={-1} style={noOutline} className="mt-4 text-xl font-semibold tracking-tight text-balance text-zinc-900">
          {title}
        </h1>
        <div className="mt-3 space-y-3 text-sm leading-6 text-zinc-600">
          <StatusBody state={state} merchant={merchant} />
        </div>
      </div>
    </Panel>
  );
}

function StatusBody({ state, merchant }: { state: InvalidLinkState; merchant: Merchant | null }) {
  if (state === "not_found" || !merchant) {
    return (
      <>
        <p>The link may be incomplete. Open it again from the email you received, or copy the whole address into your browser.</p>
        <p>If it still does not work, contact the company that sent you the email. They can send you a new link.</p>
      </>
    );
  }
  if (state === "expired") {
    return (
      <>
        <p>For your security, links to update your payment details only work for a limited time.</p>
        <ContactLine merchant={merchant} purpose="For a new link" />
      </>
    );
  }
  if (state === "used") {
    return (
      <>
        <p>
          Each link works once, and this one has done its job: your new card is on file with {merchant.name}. There is nothing else
          to do here.
        </p>
        <ContactLine merchant={merchant} purpose="To change your card again" />
      </>
    );
  }
  return (
    <>
      <p>You do not owe {merchant.name} anything at the moment, so there is nothing to do here.</p>
      <ContactLine merchant={merchant} />
    </>
  );
}
