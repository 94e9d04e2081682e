export * from "./users";
export * from "./accounts";
export * from "./sessions";
export * from "./verification-tokens";
export * from "./workspaces";
export * from "./memberships";
export * from "./invitations";
export * from "./outbox-messages";
