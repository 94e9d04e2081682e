/**
 * The sandbox's test cards: the same numbers as Stripe's test mode, so what a
 * merchant learns in the sandbox holds in live testing. `failsWith` is the
 * decline code a charge returns (null: charges succeed).
 */
export const testCards = [
  { number: "4242424242424242", brand: "visa", failsWith: null, label: "Succeeds" },
  { number: "5555555555554444", brand: "mastercard", failsWith: null, label: "Succeeds (Mastercard)" },
  { number: "4000000000000341", brand: "visa", failsWith: "generic_decline", label: "Attaches, later charges fail" },
  { number: "4000000000000002", brand: "visa", failsWith: "generic_decline", label: "Generic decline" },
  { number: "4000000000009995", brand: "visa", failsWith: "insufficient_funds", label: "Insufficient funds" },
  { number: "4000000000009987", brand: "visa", failsWith: "lost_card", label: "Lost card" },
  { number: "4000000000009979", brand: "visa", failsWith: "stolen_card", label: "Stolen card" },
  { number: "4000000000000069", brand: "visa", failsWith: "expired_card", label: "Expired card" },
  { number: "4000000000000127", brand: "visa", failsWith: "incorrect_cvc", label: "Incorrect CVC" },
  { number: "4000000000000119", brand: "visa", failsWith: "processing_error", label: "Processing error" },
  { number: "4242424242424241", brand: "visa", failsWith: "incorrect_number", label: "Incorrect number" },
  { number: "4000000000006975", brand: "visa", failsWith: "card_velocity_exceeded", label: "Velocity limit exceeded" },
  { number: "4000002760003184", brand: "visa", failsWith: "authentication_required", label: "Always asks for 3-D Secure" },
] as const;

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function brandOf(number: string): string {
  if (number.startsWith("4")) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  return "card";
}

/** What a card number does in the sandbox. Unknown but valid numbers succeed. */
export function behaviourOf(number: string): { brand: string; failsWith: string | null } {
  const known = testCards.find((c) => c.number === number);
  return known ? { brand: known.brand, failsWith: known.failsWith } : { brand: brandOf(number), failsWith: null };
}

/** The test card that fails with a decline code (for simulating failures by code). */
export function testCardFor(declineCode: string): string | null {
  return testCards.find((c) => c.failsWith === declineCode)?.number ?? null;
}
