/** The cookie that remembers the last workspace opened, so / can go back to it. */
export const LAST_WORKSPACE_COOKIE = "reclaim-workspace";

/** The workspace slug in a console path (/w/<slug>/...), or null. */
export function workspaceSlugFromPath(pathname: string): string | null {
  const match = /^\/w\/([a-z0-9-]{1,80})(?:\/|$)/.exec(pathname);
  return match?.[1] ?? null;
}
