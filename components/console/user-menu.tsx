import { LogOut } from "lucide-react";
import { signOutAction } from "@/app/sign-in/actions";

export function UserMenu({ email, name }: { email: string; name: string | null }) {
  return (
    <div className="flex items-center gap-3">
      <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-700" aria-hidden="true">
        {(name ?? email).slice(0, 1).toUpperCase()}
      </span>
      <div className="min-w-0 flex-1">
        {name ? <p className="truncate text-sm font-medium text-zinc-900">{name}</p> : null}
        <p className="truncate text-xs text-zinc-500">{email}</p>
      </div>
      <form action={signOutAction}>
        <button
          type="submit"
          className="inline-flex size-9 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
          aria-label="Sign out"
          title="Sign out"
        >
          <LogOut className="size-4" aria-hidden="true" />
        </button>
      </form>
    </div>
  );
}
