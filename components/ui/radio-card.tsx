import type { ReactNode } from "react";

/** A radio choice drawn as a card: its label and a hint, the whole card clickable, a ring on keyboard focus. */
export function RadioCard({
  name,
  value,
  checked,
  onChange,
  label,
  hint,
}: {
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  hint: ReactNode;
}) {
  const id = `${name}-${value}`;
  return (
    <label
      htmlFor={id}
      className={`flex min-h-11 cursor-pointer gap-3 rounded-lg border px-3 py-3 has-[:disabled]:cursor-not-allowed has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 ${
        checked ? "border-brand-500 bg-brand-50/60" : "border-zinc-200 bg-white hover:bg-zinc-50"
      }`}
    >
      <input
        id={id}
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={onChange}
        aria-describedby={`${id}-hint`}
        className="mt-0.5 size-4 shrink-0 accent-brand-600 focus:outline-none"
      />
      <span className="min-w-0">
        <span className="block text-sm font-medium text-zinc-900">{label}</span>
        <span id={`${id}-hint`} className="block text-sm text-zinc-600">
          {hint}
        </span>
      </span>
    </label>
  );
}
