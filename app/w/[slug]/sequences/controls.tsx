"use client";

import type { ComponentProps, InputHTMLAttributes, ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** Read-only controls stay legible: a viewer is here to read the sequence. */
export const readable = "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-700";

export function Textarea({ invalid, className, ...props }: ComponentProps<"textarea"> & { invalid?: boolean }) {
  return (
    <textarea
      {...props}
      aria-invalid={invalid || undefined}
      aria-describedby={props.id ? `${props.id}-${invalid ? "error" : "hint"}` : undefined}
      className={cn(
        "block max-h-[32rem] min-h-40 w-full rounded-md border bg-white px-3 py-2 font-mono field-sizing-content text-[13px] leading-5 text-zinc-900 shadow-sm placeholder:text-zinc-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30",
        invalid ? "border-red-400" : "border-zinc-300",
        readable,
        className,
      )}
    />
  );
}

/** A checkbox shown as a switch, with its label and a line saying what it does. */
export function Toggle({
  id,
  label,
  hint,
  error,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { id: string; label: string; hint: ReactNode; error?: string | null }) {
  return (
    <div className="flex items-start gap-3">
      <span className="relative mt-0.5 inline-flex shrink-0">
        <input
          {...props}
          id={id}
          type="checkbox"
          role="switch"
          aria-describedby={`${id}-${error ? "error" : "hint"}`}
          aria-invalid={error ? true : undefined}
          className="peer absolute inset-0 z-10 size-full cursor-pointer opacity-0 disabled:cursor-not-allowed"
        />
        <span
          aria-hidden="true"
          className="h-6 w-11 rounded-full bg-zinc-300 transition-colors peer-checked:bg-brand-600 peer-focus-visible:ring-2 peer-focus-visible:ring-brand-500 peer-focus-visible:ring-offset-2 peer-disabled:opacity-60"
        />
        <span
          aria-hidden="true"
          className="pointer-events-none absolute left-0.5 top-0.5 size-5 rounded-full bg-white shadow transition-transform peer-checked:translate-x-5"
        />
      </span>
      <div className="min-w-0">
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
          {label}
        </label>
        {error ? (
          <p id={`${id}-error`} className="mt-0.5 text-sm text-red-700">
            {error}
          </p>
        ) : (
          <p id={`${id}-hint`} className="mt-0.5 text-sm text-zinc-500">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/** A section of the form: a card with a heading that error links can focus. */
export function Section({
  id,
  title,
  description,
  children,
  error,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  error?: string | null;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-xl border border-zinc-200 bg-white shadow-sm">
      <div className="border-b border-zinc-100 px-4 py-4 sm:px-5">
        <h2 id={`${id}-title`} className="text-base font-semibold text-zinc-900">
          <span id={id} tabIndex={-1} className="outline-none focus-visible:underline">
            {title}
          </span>
        </h2>
        {description ? <div className="mt-1 text-sm text-zinc-600">{description}</div> : null}
        {error ? (
          <p className="mt-2 text-sm text-red-700" id={`${id}-error`}>
            {error}
          </p>
        ) : null}
      </div>
      <div className="px-4 py-5 sm:px-5">{children}</div>
    </section>
  );
}
