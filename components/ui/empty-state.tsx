import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/** What a page shows when it has nothing yet: what will be here, and what to do next. */
export function EmptyState({
  icon: Icon,
  title,
  children,
  items,
  action,
}: {
  icon: LucideIcon;
  title: string;
  children: ReactNode;
  items?: string[];
  action?: ReactNode;
}) {
  return (
    <section className="rounded-xl border border-dashed border-zinc-300 bg-white px-6 py-12 text-center" aria-label={title}>
      <div className="mx-auto flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">
        <Icon className="size-6" aria-hidden="true" />
      </div>
      <h2 className="mt-4 text-lg font-semibold text-zinc-900">{title}</h2>
      <div className="mx-auto mt-2 max-w-xl text-sm leading-6 text-zinc-600">{children}</div>
      {items && items.length > 0 ? (
        <ul className="mx-auto mt-5 grid max-w-xl gap-2 text-left text-sm text-zinc-700 sm:grid-cols-2">
          {items.map((item) => (
            <li key={item} className="flex gap-2 rounded-md bg-zinc-50 px-3 py-2">
              <span className="mt-1.5 size-1.5 shrink-0 rounded-full bg-brand-500" aria-hidden="true" />
              {item}
            </li>
          ))}
        </ul>
      ) : null}
      {action ? <div className="mt-6 flex justify-center">{action}</div> : null}
    </section>
  );
}

export function PageHeader({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-zinc-600">{description}</p> : null}
      </div>
      {action}
    </div>
  );
}
