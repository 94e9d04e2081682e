import {
  isKnownDeclineCode,
  recoveryFiltersInput,
  recoveryFilterShape,
  type RecoveryCaseFilters,
  type RecoveryFilterOptions,
} from "@/server/queries/recoveries";

/**
 * The recoveries list's filters in the address: `?status=…&category=…&code=…
 * &cohort=…&channel=…&sequence=…&from=…&to=…&q=…&cursor=…`. The filter form
 * is a plain GET form with these names, so a filtered view works without
 * JavaScript and can be bookmarked or shared.
 *
 * A value the list cannot use (an unknown status, a date that does not exist,
 * a sequence of another workspace) is left out, and the page says which one
 * and why, instead of failing: a stale or hand-edited link still shows cases.
 */
export const filterParams = ["status", "category", "code", "cohort", "channel", "sequence", "from", "to", "q"] as const;
export type FilterParam = (typeof filterParams)[number];
export type FilterValues = Partial<Record<FilterParam, string>>;

/** The form's labels, also used to name an ignored value. */
export const filterLabels: Record<FilterParam, string> = {
  status: "Status",
  category: "Decline category",
  code: "Decline code",
  cohort: "Cohort",
  channel: "Recovered through",
  sequence: "Sequence",
  from: "Opened from",
  to: "Opened to",
  q: "Search",
};

const fieldOf = {
  status: "status",
  category: "declineCategory",
  code: "declineCode",
  cohort: "cohort",
  channel: "channel",
  sequence: "sequenceId",
  from: "from",
  to: "to",
  q: "q",
} as const satisfies Record<FilterParam, keyof typeof recoveryFilterShape>;

export type ParsedFilters = {
  /** For the list (and, without the status, for the tabs' counts). */
  filters: RecoveryCaseFilters;
  /** The values in use, as they go back into the address and the form. */
  values: FilterValues;
  /** One sentence per value that was left out. */
  ignored: string[];
};

type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const quote = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

export function parseFilters(params: SearchParams, options: RecoveryFilterOptions): ParsedFilters {
  const values: FilterValues = {};
  const ignored: string[] = [];
  const ignore = (param: FilterParam, raw: string, why: string) =>
    ignored.push(`${filterLabels[param]} “${quote(raw)}” was ignored: ${why}`);

  for (const param of filterParams) {
    const raw = first(params[param]);
    // An empty field of the form means "any".
    if (raw === undefined || raw.trim() === "") continue;
    const parsed = recoveryFilterShape[fieldOf[param]].safeParse(raw);
    if (!parsed.success) {
      ignore(param, raw, parsed.error.issues[0]?.message ?? "it is not a valid value.");
      continue;
    }
    const value = parsed.data;
    if (value === undefined) continue;
    if (param === "code" && !isKnownDeclineCode(value) && !options.declineCodes.some((c) => c.code === value)) {
      ignore(param, raw, "no case of this workspace has this decline code, and Reclaim does not know it.");
      continue;
    }
    if (param === "sequence" && !options.sequences.some((s) => s.id === value)) {
      ignore(param, raw, "this workspace has no such sequence.");
      continue;
    }
    values[param] = value;
  }
  if (values.from && values.to && values.from > values.to) {
    ignored.push(`The dates ${values.from} to ${values.to} were ignored: the start date must be on or before the end date.`);
    delete values.from;
    delete values.to;
  }

  // Every value left is valid on its own and the dates are in order, so this cannot fail.
  const filters = recoveryFiltersInput.parse(
    Object.fromEntries(filterParams.flatMap((param) => (values[param] ? [[fieldOf[param], values[param]]] : []))),
  );
  return { filters, values, ignored };
}

/** How many filters other than the status are in use. */
export const activeFilterCount = (values: FilterValues) => filterParams.filter((p) => p !== "status" && values[p]).length;

/** The list's address with these values (empty ones left out, in a stable order). */
export function listHref(base: string, values: FilterValues, cursor?: string): string {
  const search = new URLSearchParams();
  for (const param of filterParams) {
    const value = values[param];
    if (value) search.set(param, value);
  }
  if (cursor) search.set("cursor", cursor);
  const qs = search.toString();
  return qs ? `${base}?${qs}` : base;
}
