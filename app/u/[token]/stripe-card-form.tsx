import { CreditCard } from "lucide-react";

/**
 * Where live workspaces collect the new card: Stripe's Payment Element with a SetupIntent on the
 * merchant's account, so card data goes from the browser to Stripe and never through Reclaim.
 * Not connected yet; this placeholder holds its place on the page until it is.
 */
export function StripeCardForm() {
  return (
    <div className="mt-6 rounded-xl border border-dashed border-zinc-300 bg-zinc-50 p-5 text-center" role="note">
      <CreditCard className="mx-auto size-6 text-zinc-500" aria-hidden="true" />
      <h2 className="mt-2 text-base font-semibold text-zinc-900">The card form is not available yet</h2>
      <p className="mt-1 text-sm leading-6 text-zinc-600">
        Cards are collected with Stripe&apos;s secure Payment Element, which is not connected yet.
      </p>
    </div>
  );
}
