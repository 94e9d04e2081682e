import { describe, expect, it } from "vitest";
import { can, canAssignRole } from "./permissions";

describe("permissions", () => {
  it("lets every role read and only owners and admins manage", () => {
    for (const role of ["owner", "admin", "finance", "viewer"] as const) expect(can(role, "workspace.read")).toBe(true);
    expect(can("admin", "workspace.manage")).toBe(true);
    expect(can("finance", "workspace.manage")).toBe(false);
    expect(can("viewer", "workspace.manage")).toBe(false);
    expect(can("viewer", "team.manage")).toBe(false);
  });

  it("lets finance export reports but not viewers", () => {
    expect(can("finance", "reports.export")).toBe(true);
    expect(can("viewer", "reports.export")).toBe(false);
  });

  it("keeps the owner role for owners", () => {
    expect(canAssignRole("owner", "owner")).toBe(true);
    expect(canAssignRole("admin", "owner")).toBe(false);
    expect(canAssignRole("admin", "finance")).toBe(true);
    expect(canAssignRole("finance", "viewer")).toBe(false);
  });
});
