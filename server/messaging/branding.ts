import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { workspaceBranding, workspaces } from "@/server/db/schema";

/** How a workspace shows itself to its customers, in emails and on hosted pages. */
export type Branding = {
  /** The merchant's name as customers know it. */
  displayName: string;
  /** An http(s) address of the logo, or null to show the name instead. */
  logoUrl: string | null;
  /** A `#rrggbb` (or `#rgb`) colour for buttons and rules. */
  accentColor: string;
  /** Where customers write with questions, or null when the merchant gave none. */
  supportEmail: string | null;
};

export const DEFAULT_ACCENT_COLOR = "#4f46e5";

const hexColor = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
// Deliberately loose: it only keeps markup and header-breaking characters out of a mailto link.
const emailAddress = /^[^\s@<>"'()[\]\\,;:]+@[^\s@<>"'()[\]\\,;:]+\.[^\s@<>"'()[\]\\,;:]+$/;

/** Null unless the value is an absolute http(s) URL: a logo is loaded by the customer's mail client. */
function httpUrl(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The branding a customer sees, from a stored row (or none). Values that cannot be shown safely
 * fall back to the defaults instead of reaching an email: an accent colour ends up in a style
 * attribute, so only hex colours pass.
 */
export function resolveBranding(
  workspaceName: string,
  row: { displayName: string | null; logoUrl: string | null; accentColor: string | null; supportEmail: string | null } | null,
): Branding {
  const accent = row?.accentColor?.trim() ?? "";
  const support = row?.supportEmail?.trim() ?? "";
  return {
    displayName: row?.displayName?.trim() || workspaceName,
    logoUrl: httpUrl(row?.logoUrl),
    accentColor: hexColor.test(accent) ? accent.toLowerCase() : DEFAULT_ACCENT_COLOR,
    supportEmail: emailAddress.test(support) ? support : null,
  };
}

/** The workspace's branding; without a branding row, its name and Reclaim's colour. */
export async function getBranding(db: Db, workspaceId: string): Promise<Branding> {
  const [row] = await db
    .select({
      workspaceName: workspaces.name,
      displayName: workspaceBranding.displayName,
      logoUrl: workspaceBranding.logoUrl,
      accentColor: workspaceBranding.accentColor,
      supportEmail: workspaceBranding.supportEmail,
    })
    .from(workspaces)
    .leftJoin(workspaceBranding, eq(workspaceBranding.workspaceId, workspaces.id))
    .where(eq(workspaces.id, workspaceId));
  if (!row) throw new Error(`Workspace ${workspaceId} not found`);
  return resolveBranding(row.workspaceName, row);
}
