"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { navItems } from "./nav-items";

export function ConsoleNav({ slug, mode, onNavigate }: { slug: string; mode: "sandbox" | "live"; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console">
      <ul className="space-y-0.5">
        {navItems.filter((item) => !item.sandboxOnly || mode === "sandbox").map(({ segment, label, icon: Icon }) => {
          const href = `/w/${slug}/${segment}`;
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={segment}>
              <Link
                href={href}
                onClick={onNavigate}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex min-h-10 items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                  active ? "bg-brand-50 text-brand-700" : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
                )}
              >
                <Icon className={cn("size-4", active ? "text-brand-600" : "text-zinc-400")} aria-hidden="true" />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
