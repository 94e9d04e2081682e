import { describe, expect, it } from "vitest";
import type { RecoveryFilterOptions } from "@/server/queries/recoveries";
import { activeFilterCount, listHref, parseFilters } from "./filters";

const options: RecoveryFilterOptions = {
  sequences: [
    { id: "seq-main", name: "Standard", isDefault: true },
    { id: "seq-vip", name: "VIP", isDefault: false },
  ],
  declineCodes: [
    { code: "insufficient_funds", label: "Insufficient funds", category: "soft", count: 3 },
    { code: "provider_special_code", label: null, category: null, count: 1 },
  ],
};

describe("parseFilters", () => {
  it("reads every filter of the address into the list's filters and the form's values", () => {
    const parsed = parseFilters(
      {
        status: "open",
        category: "soft",
        code: "Provider_Special_Code",
        cohort: "holdout",
        channel: "card_update",
        sequence: "seq-vip",
        from: "2026-01-01",
        to: "2026-01-31",
        q: "  Ada  ",
        cursor: "ignored-here",
      },
      options,
    );
    expect(parsed.ignored).toEqual([]);
    expect(parsed.filters).toEqual({
      status: "open",
      declineCategory: "soft",
      declineCode: "provider_special_code",
      cohort: "holdout",
      channel: "card_update",
      sequenceId: "seq-vip",
      from: "2026-01-01",
      to: "2026-01-31",
      q: "Ada",
    });
    expect(parsed.values).toMatchObject({ code: "provider_special_code", q: "Ada", sequence: "seq-vip" });
    expect(activeFilterCount(parsed.values)).toBe(8);
  });

  it("treats the empty fields a submitted form sends as no filter", () => {
    const parsed = parseFilters(
      { status: "", category: "", code: "", cohort: "", channel: "", sequence: "", from: "", to: "", q: "  " },
      options,
    );
    expect(parsed).toEqual({ filters: {}, values: {}, ignored: [] });
    expect(activeFilterCount(parsed.values)).toBe(0);
  });

  it("leaves out each value it cannot use and says why, keeping the others", () => {
    const parsed = parseFilters(
      {
        status: "pending",
        category: "squishy",
        code: "made_up_code",
        cohort: "holdout",
        channel: "pigeon",
        sequence: "seq-of-another-workspace",
        from: "2026-02-30",
        q: "x".repeat(101),
      },
      options,
    );
    expect(parsed.filters).toEqual({ cohort: "holdout" });
    expect(parsed.ignored).toEqual([
      "Status “pending” was ignored: Choose a status: open, recovered, lost, silenced, cancelled.",
      "Decline category “squishy” was ignored: Choose a decline category: soft, hard, do_not_contact, needs_authentication, revoked.",
      "Decline code “made_up_code” was ignored: no case of this workspace has this decline code, and Reclaim does not know it.",
      "Recovered through “pigeon” was ignored: Choose a recovery channel: reclaim_retry, provider_retry, card_update, card_updater, out_of_band.",
      "Sequence “seq-of-another-workspace” was ignored: this workspace has no such sequence.",
      "Opened from “2026-02-30” was ignored: This date does not exist.",
      `Search “${"x".repeat(40)}…” was ignored: Search for at most 100 characters.`,
    ]);
  });

  it("ignores dates in the wrong order, and takes the first of repeated parameters", () => {
    const parsed = parseFilters({ from: "2026-02-01", to: "2026-01-01", code: ["expired_card", "insufficient_funds"] }, options);
    // expired_card is in Reclaim's table, so it may be asked for though no case has it yet.
    expect(parsed.filters).toEqual({ declineCode: "expired_card" });
    expect(parsed.ignored).toEqual(["The dates 2026-02-01 to 2026-01-01 were ignored: the start date must be on or before the end date."]);
  });
});

describe("listHref", () => {
  it("keeps the filters in a stable order, leaves empty ones out, and adds the page", () => {
    const base = "/w/acme/recoveries";
    expect(listHref(base, {})).toBe(base);
    expect(listHref(base, { q: "ada lovelace", status: "open", code: undefined, from: "2026-01-01" }, "case-1")).toBe(
      `${base}?status=open&from=2026-01-01&q=ada+lovelace&cursor=case-1`,
    );
    expect(listHref(base, { q: "100%_off&x=1" })).toBe(`${base}?q=100%25_off%26x%3D1`);
  });
});
