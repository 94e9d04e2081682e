import type { Role } from "./roles";

/**
 * What each role may do. Every workspace procedure names the capability it
 * needs; the workspace guard checks it. Reading is open to every member.
 */
export const capabilities = {
  "workspace.read": ["owner", "admin", "finance", "viewer"],
  "reports.export": ["owner", "admin", "finance"],
  "workspace.manage": ["owner", "admin"],
  "billing.manage": ["owner", "admin"],
  "team.manage": ["owner", "admin"],
  "workspace.delete": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof capabilities;

export function can(role: Role, capability: Capability): boolean {
  return (capabilities[capability] as readonly Role[]).includes(role);
}

export const roleDescriptions: Record<Role, string> = {
  owner: "Everything, including deleting the workspace and managing owners.",
  admin: "Connect billing, edit sequences, branding and domains, manage the team (except owners).",
  finance: "Read everything and export reports.",
  viewer: "Read everything; change nothing.",
};

/** Whether `actor` may give someone the role `target` (or change someone who has it). */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (!can(actor, "team.manage")) return false;
  return target !== "owner" || actor === "owner";
}
