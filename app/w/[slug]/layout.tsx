import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console/console-nav";
import { MobileNav } from "@/components/console/mobile-nav";
import { ModeBadge, ModeBanner } from "@/components/console/mode-banner";
import { UserMenu } from "@/components/console/user-menu";
import { WorkspaceSwitcher } from "@/components/console/workspace-switcher";
import { Logo } from "@/components/logo";
import { getConsoleWorkspace } from "@/server/console";

export default async function ConsoleLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { user, workspace, api } = await getConsoleWorkspace(slug);
  const workspaces = await api.workspace.list();
  const switcher = <WorkspaceSwitcher current={workspace} workspaces={workspaces} />;
  return (
    <div className="min-h-screen">
      <div className="sticky top-0 z-30">
        <ModeBanner mode={workspace.mode} />
        {/* Phone and tablet header */}
        <header className="relative flex items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 py-2 lg:hidden">
          <Logo href={`/w/${workspace.slug}/overview`} />
          <div className="flex items-center gap-2">
            <ModeBadge mode={workspace.mode} />
            <MobileNav>
              <div className="space-y-4">
                {switcher}
                <ConsoleNav slug={workspace.slug} mode={workspace.mode} />
                <div className="border-t border-zinc-100 pt-4">
                  <UserMenu email={user.email} name={user.name} />
                </div>
              </div>
            </MobileNav>
          </div>
        </header>
      </div>
      <div className="lg:flex">
        <aside className="hidden lg:sticky lg:top-7 lg:flex lg:h-[calc(100vh-1.75rem)] lg:w-64 lg:shrink-0 lg:flex-col lg:gap-5 lg:border-r lg:border-zinc-200 lg:bg-white lg:p-4">
          <div className="flex items-center justify-between">
            <Logo href={`/w/${workspace.slug}/overview`} />
            <ModeBadge mode={workspace.mode} />
          </div>
          {switcher}
          <div className="flex-1 overflow-y-auto">
            <ConsoleNav slug={workspace.slug} mode={workspace.mode} />
          </div>
          <div className="border-t border-zinc-100 pt-4">
            <UserMenu email={user.email} name={user.name} />
          </div>
        </aside>
        <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
          <div className="mx-auto max-w-5xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
