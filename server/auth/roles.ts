/** Workspace roles, from most to least powerful. Kept free of database imports so client code can use it. */
export const roles = ["owner", "admin", "finance", "viewer"] as const;
export type Role = (typeof roles)[number];
