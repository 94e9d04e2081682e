import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./redirect";

describe("safeCallbackPath", () => {
  it("keeps paths on this site", () => {
    expect(safeCallbackPath("/invite/abc")).toBe("/invite/abc");
  });
  it.each(["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", 42, undefined])(
    "refuses %s",
    (value) => {
      expect(safeCallbackPath(value)).toBe("/");
    },
  );
});
