import { describe, expect, it } from "vitest";
import { workspaceSlugFromPath } from "./workspace-cookie";

describe("workspaceSlugFromPath", () => {
  it("reads the slug of console paths", () => {
    expect(workspaceSlugFromPath("/w/acme-cloud/overview")).toBe("acme-cloud");
    expect(workspaceSlugFromPath("/w/acme")).toBe("acme");
  });
  it("ignores other paths and odd slugs", () => {
    expect(workspaceSlugFromPath("/sign-in")).toBeNull();
    expect(workspaceSlugFromPath("/w/")).toBeNull();
    expect(workspaceSlugFromPath("/w/Acme%20Cloud/overview")).toBeNull();
  });
});
