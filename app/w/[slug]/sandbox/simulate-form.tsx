"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { RadioCard } from "@/components/ui/radio-card";
import { useTRPC } from "@/components/trpc";
import { fieldError, formError } from "@/components/trpc-errors";
import { testCards } from "@/server/billing/sandbox/test-cards";
import { currencyDigits } from "../recoveries/_components/format";
import { caseStatusLabels, type CaseStatusName } from "../recoveries/_components/labels";

export type DeclineGroup = { category: string; label: string; codes: { code: string; label: string }[] };

const currencies = ["usd", "eur", "gbp", "cad", "aud", "jpy", "inr", "brl", "chf", "sek"];

type FailWith = "declineCode" | "testCard";

/** The test cards whose charges fail, as "4000 0000 0000 9995". */
const failingCards = testCards.flatMap((c) =>
  c.failsWith
    ? [
        {
          number: c.number,
          spaced: c.number.replace(/(\d{4})(?=\d)/g, "$1 "),
          brand: c.brand[0]!.toUpperCase() + c.brand.slice(1),
          label: c.label,
          failsWith: c.failsWith,
        },
      ]
    : [],
);
const defaultCard = failingCards.find((c) => c.failsWith === "insufficient_funds") ?? failingCards[0]!;

/** "49.90" in the currency's minor units (4990; 49 for JPY), or an error for a person. */
function toMinorUnits(value: string, currency: string): { amount?: number; error?: string } {
  const text = value.trim().replace(",", ".");
  if (text === "") return {};
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: "Enter an amount like 49.00, or leave it empty." };
  const digits = currencyDigits(currency);
  const decimals = text.split(".")[1]?.length ?? 0;
  if (decimals > digits) {
    return { error: digits === 0 ? `${currency.toUpperCase()} has no decimals: enter a whole amount.` : `Use at most ${digits} decimals.` };
  }
  return { amount: Math.round(Number(text) * 10 ** digits) };
}

export function SimulateForm({
  workspaceId,
  slug,
  groups,
  mixSummary,
}: {
  workspaceId: string;
  slug: string;
  groups: DeclineGroup[];
  mixSummary: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [failWith, setFailWith] = useState<FailWith>("declineCode");
  const [declineCode, setDeclineCode] = useState("mix");
  const [testCard, setTestCard] = useState<string>(defaultCard.number);
  const [count, setCount] = useState("5");
  const [amount, setAmount] = useState("");
  const [currency, setCurrency] = useState("usd");
  const [email, setEmail] = useState("");
  const [amountError, setAmountError] = useState<string | null>(null);
  const simulate = useMutation(trpc.recovery.simulate.mutationOptions({ onSuccess: () => router.refresh() }));
  const single = count.trim() === "1";
  const errors = {
    declineCode: fieldError(simulate.error, "declineCode"),
    testCard: fieldError(simulate.error, "testCard"),
    count: fieldError(simulate.error, "count"),
    amount: amountError ?? fieldError(simulate.error, "amount"),
    currency: fieldError(simulate.error, "currency"),
    customerEmail: fieldError(simulate.error, "customerEmail"),
  };
  // Only the fields on screen: an error on the hidden way to fail is shown above the button instead.
  const anyFieldError = Object.entries(errors).some(([field, error]) => error && field !== (failWith === "declineCode" ? "testCard" : "declineCode"));
  const result = simulate.data;
  const opened = result?.caseIds.length ?? 0;
  const breakdown = result
    ? (Object.entries(result.byStatus) as [CaseStatusName, number][])
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${caseStatusLabels[status].toLowerCase()}`)
        .join(", ")
    : "";
  const selectedGroup = groups.find((g) => g.codes.some((c) => c.code === declineCode));
  const selectedCard = failingCards.find((c) => c.number === testCard);
  const cardGroup = selectedCard ? groups.find((g) => g.codes.some((c) => c.code === selectedCard.failsWith)) : undefined;

  return (
    <Card>
      <CardHeader
        title="Simulate failed renewals"
        description="Creates customers whose renewal charge just failed with the decline or test card you choose, exactly as your billing provider would report it."
      />
      <form
        className="grid gap-4 p-5 sm:grid-cols-2"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const money = toMinorUnits(amount, currency);
          setAmountError(money.error ?? null);
          if (money.error) return;
          simulate.mutate({
            workspaceId,
            ...(failWith === "declineCode" ? { declineCode } : { testCard }),
            count: Number(count),
            amount: money.amount,
            currency,
            customerEmail: single && email.trim() ? email.trim() : undefined,
          });
        }}
      >
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-zinc-800">Fail the renewal with</legend>
          <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
            <RadioCard
              name="sim-fail-with"
              value="declineCode"
              checked={failWith === "declineCode"}
              onChange={() => setFailWith("declineCode")}
              label="Decline code"
              hint="The reason the bank gives, or a realistic mix."
            />
            <RadioCard
              name="sim-fail-with"
              value="testCard"
              checked={failWith === "testCard"}
              onChange={() => setFailWith("testCard")}
              label="Test card"
              hint="A card on file that fails, as in Stripe's test mode."
            />
          </div>
        </fieldset>
        <div className="sm:col-span-2">
          {failWith === "declineCode" ? (
            <Field
              id="sim-decline"
              label="Decline"
              error={errors.declineCode}
              hint={declineCode === "mix" ? mixSummary : selectedGroup ? `${selectedGroup.label}.` : undefined}
            >
              <Select
                id="sim-decline"
                value={declineCode}
                onChange={(e) => setDeclineCode(e.target.value)}
                aria-invalid={Boolean(errors.declineCode) || undefined}
                aria-describedby={errors.declineCode ? "sim-decline-error" : "sim-decline-hint"}
              >
                <option value="mix">Realistic mix of declines</option>
                {groups.map((group) => (
                  <optgroup key={group.category} label={group.label}>
                    {group.codes.map((c) => (
                      <option key={c.code} value={c.code}>
                        {c.label} ({c.code})
                      </option>
                    ))}
                  </optgroup>
                ))}
              </Select>
            </Field>
          ) : (
            <Field
              id="sim-card"
              label="Test card"
              error={errors.testCard}
              hint={
                selectedCard
                  ? `Each customer's card on file is a ${selectedCard.brand} ending ${selectedCard.number.slice(-4)}; the renewal fails with ${
                      selectedCard.failsWith
                    }${cardGroup ? `. ${cardGroup.label}` : ""}.`
                  : undefined
              }
            >
              <Select
                id="sim-card"
                value={testCard}
                onChange={(e) => setTestCard(e.target.value)}
                aria-invalid={Boolean(errors.testCard) || undefined}
                aria-describedby={errors.testCard ? "sim-card-error" : "sim-card-hint"}
              >
                {failingCards.map((c) => (
                  <option key={c.number} value={c.number}>
                    {c.spaced}: {c.label} ({c.failsWith})
                  </option>
                ))}
              </Select>
            </Field>
          )}
        </div>
        <Field id="sim-count" label="Number of customers" error={errors.count} hint="1 to 200.">
          <Input
            id="sim-count"
            type="number"
            inputMode="numeric"
            min={1}
            max={200}
            step={1}
            value={count}
            onChange={(e) => setCount(e.target.value)}
            invalid={Boolean(errors.count)}
            required
          />
        </Field>
        <Field id="sim-currency" label="Currency" error={errors.currency}>
          <Select id="sim-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:col-span-2">
          <Field
            id="sim-amount"
            label="Amount (optional)"
            error={errors.amount}
            hint={`Leave empty to use each customer's plan price (Starter, Growth, Business or Scale), in ${currency.toUpperCase()}.`}
          >
            <Input
              id="sim-amount"
              inputMode="decimal"
              placeholder="49.00"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              invalid={Boolean(errors.amount)}
              autoComplete="off"
            />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <Field
            id="sim-email"
            label="Customer email (optional)"
            error={errors.customerEmail}
            hint={
              single
                ? "Use your own address to play this customer yourself: open their emails in the sandbox outbox and follow the links. Nothing is really sent."
                : "Only for a single customer: set the number of customers to 1 to use it."
            }
          >
            <Input
              id="sim-email"
              type="email"
              placeholder="you@example.com"
              value={single ? email : ""}
              onChange={(e) => setEmail(e.target.value)}
              disabled={!single}
              invalid={Boolean(errors.customerEmail)}
              autoComplete="off"
            />
          </Field>
        </div>
        <p className="text-sm text-zinc-600 sm:col-span-2">
          <span className="font-medium text-zinc-800">Who plays these customers.</span> Customers generated at random are played by the
          sandbox model: as the clock moves, some open the emails, some click through, some update their card. A customer simulated for
          your own address is played by you, through the emails in the sandbox outbox.
        </p>
        <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center">
          <Button type="submit" pending={simulate.isPending} className="w-full sm:w-auto">
            {simulate.isPending ? "Simulating…" : "Simulate failed renewals"}
          </Button>
        </div>
        <div className="sm:col-span-2" aria-live="polite">
          {simulate.error && !anyFieldError ? <Alert>{formError(simulate.error)}</Alert> : null}
          {result && !simulate.isPending ? (
            <Alert tone="success">
              {opened === 0 ? (
                "No new case was opened: these invoices were already being recovered."
              ) : (
                <>
                  Opened {opened} recovery {opened === 1 ? "case" : "cases"}
                  {breakdown ? ` (${breakdown})` : ""}.{" "}
                  <Link
                    href={opened === 1 ? `/w/${slug}/recoveries/${result.caseIds[0]}` : `/w/${slug}/recoveries`}
                    className="font-medium underline"
                  >
                    {opened === 1 ? "Open the case" : "See them in Recoveries"}
                  </Link>
                  , or move the clock forward to watch Reclaim work.
                </>
              )}
            </Alert>
          ) : null}
        </div>
      </form>
    </Card>
  );
}

/** One way to fail the renewal: a radio choice with its hint, operable with the arrow keys like any radio group. */
