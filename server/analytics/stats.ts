/**
 * Statistics behind the holdout-lift report: pure functions, no database.
 *
 * Treatment cases get Reclaim's retries and messages; holdout cases get
 * nothing. The report compares the two groups in two ways:
 * - the recovery rate (share of cases recovered): Wilson intervals per group,
 *   Newcombe's hybrid score interval for the difference, pooled z-test p-value;
 * - the recovered amount per case (unrecovered cases count as 0): Welch's
 *   t-test and interval, scaled to incremental revenue per currency.
 *
 * Nothing here throws or returns NaN/Infinity for data the report can meet
 * (an empty group, no recoveries, a currency missing from one group): such
 * results carry `status: "unavailable"` (or `"degenerate"`), a `reason` code
 * and a plain-English `message` for the page. `METHODS` is the text the page
 * prints, so the report says exactly what this file does.
 *
 * The unit of analysis is the recovery case, as the report counts them. The
 * cohort is assigned per customer, so a customer with several failed invoices
 * contributes several correlated cases; the intervals assume independent
 * cases and are slightly too narrow when many customers have more than one.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Every interval in the report is a 95% interval; every p-value is two-sided. */
export const CONFIDENCE_LEVEL = 0.95;

/** Two-sided critical value of the standard normal, ≈ 1.959964. */
const Z_CRITICAL = normalQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, 0, 1);

/**
 * Below 30 cases in a group the result is flagged as too uncertain. 30 is the
 * usual rule of thumb for a sample mean to be close enough to normal for z and
 * t methods; recovered amounts per case are very skewed (mostly zeros), so
 * this is a floor, not a guarantee. It also matches the practical reality that
 * a group this small cannot tell even a large lift from noise.
 */
export const MIN_CASES_PER_GROUP = 30;

/**
 * The z-test (like Pearson's chi-square test it equals) is trusted only when
 * each group expects at least 5 recoveries and 5 non-recoveries at the pooled
 * rate: Cochran's rule (Cochran 1954) for the normal approximation to the
 * binomial. Newcombe's interval behaves well below it; the p-value does not.
 */
export const MIN_EXPECTED_OUTCOMES_PER_GROUP = 5;

/**
 * The average recovered amount of a group with fewer than 5 recoveries rests
 * on a handful of payments, and its distribution is far from the normal one
 * Welch's interval assumes; the same floor as for expected outcomes.
 */
export const MIN_RECOVERIES_FOR_REVENUE = 5;

/** Plain-English statement of each method, one sentence each, for the report page. */
export const METHODS = {
  rateInterval:
    "Each group's recovery rate is shown with a 95% Wilson score interval (Wilson 1927).",
  rateDifferenceInterval:
    "The 95% interval for the difference in recovery rate (treatment minus holdout) is Newcombe's hybrid score interval, built from the two groups' Wilson intervals (Newcombe 1998, method 10).",
  rateDifferencePValue:
    "The p-value for that difference is two-sided and comes from the pooled two-proportion z-test, which is the same as Pearson's chi-square test on the 2×2 table without continuity correction; when every case in both groups has the same outcome the test is undefined and the p-value is reported as 1.",
  meanDifference:
    "The difference in average recovered amount per case (treatment minus holdout, with unrecovered cases counted as zero) is tested with Welch's unequal-variances t-test (Welch 1947), and its 95% interval uses the t distribution with Welch–Satterthwaite degrees of freedom (Satterthwaite 1946).",
  incrementalRevenue:
    "Incremental revenue is that difference in average per case multiplied by the number of treatment cases, with its interval scaled the same way, and it is computed separately for each currency and never summed across currencies.",
  smallSampleWarning: `A group is flagged as too small to conclude anything when it has fewer than ${MIN_CASES_PER_GROUP} cases, fewer than ${MIN_EXPECTED_OUTCOMES_PER_GROUP} recoveries or non-recoveries expected at the overall recovery rate (Cochran 1954), or, for revenue, fewer than ${MIN_RECOVERIES_FOR_REVENUE} recoveries, because below those sizes the approximations behind the intervals and p-values are unreliable.`,
} as const;

/** Full citations for the names used in `METHODS`. */
export const REFERENCES = [
  "Wilson EB. Probable inference, the law of succession, and statistical inference. Journal of the American Statistical Association 1927;22:209–212.",
  "Newcombe RG. Interval estimation for the difference between independent proportions: comparison of eleven methods. Statistics in Medicine 1998;17:873–890.",
  'Welch BL. The generalization of "Student\'s" problem when several different population variances are involved. Biometrika 1947;34:28–35.',
  "Satterthwaite FE. An approximate distribution of estimates of variance components. Biometrics Bulletin 1946;2:110–114.",
  "Cochran WG. Some methods for strengthening the common χ² tests. Biometrics 1954;10:417–451.",
] as const;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export type Group = "treatment" | "holdout";

export interface Interval {
  lower: number;
  upper: number;
}

export type StatsWarningCode = "small-group" | "few-expected-outcomes" | "few-recoveries" | "constant-group";

export interface StatsWarning {
  code: StatsWarningCode;
  group: Group;
  message: string;
}

export interface StatsOptions {
  /** Appended to group names in messages, e.g. "in EUR" or "for the Default sequence". */
  scope?: string;
}

export interface ProportionGroup {
  n: number;
  successes: number;
}

export interface RateEstimate {
  n: number;
  successes: number;
  rate: number;
  /** Wilson score interval. */
  interval: Interval;
}

export interface ProportionComparisonComputed {
  /** "degenerate": every number is filled in, but the z-test is undefined (see message). */
  status: "ok" | "degenerate";
  reason: "no-recoveries" | "all-recovered" | null;
  message: string | null;
  treatment: RateEstimate;
  holdout: RateEstimate;
  /** Treatment rate minus holdout rate. */
  difference: number;
  /** Newcombe's hybrid score interval for `difference`. */
  differenceInterval: Interval;
  pooledRate: number;
  /** Null when the pooled rate is 0 or 1 (no variation to test). */
  z: number | null;
  pValue: number;
  warnings: StatsWarning[];
}

export interface ProportionComparisonUnavailable {
  status: "unavailable";
  reason: "invalid-input" | "no-cases";
  message: string;
  treatment: RateEstimate | null;
  holdout: RateEstimate | null;
  warnings: StatsWarning[];
}

export type ProportionComparison = ProportionComparisonComputed | ProportionComparisonUnavailable;

/**
 * Sufficient statistics of one group's amounts: count, Σx and Σx². Pass
 * bigints (e.g. from SQL `sum(amount::numeric * amount)`) when the sums can
 * pass 2^53; integer inputs are combined exactly in bigint arithmetic, so the
 * variance does not suffer from cancellation.
 */
export interface MeanGroup {
  n: number;
  sum: number | bigint;
  sumOfSquares: number | bigint;
}

export interface MeanEstimate {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator); null below 2 cases. */
  variance: number | null;
  standardDeviation: number | null;
}

export interface MeansComparisonComputed {
  status: "ok";
  reason: null;
  message: null;
  treatment: MeanEstimate;
  holdout: MeanEstimate;
  /** Treatment mean minus holdout mean. */
  difference: number;
  /** Welch standard error of `difference`. */
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  t: number;
  interval: Interval;
  pValue: number;
  warnings: StatsWarning[];
}

export interface MeansComparisonUnavailable {
  status: "unavailable";
  reason: "invalid-input" | "no-cases" | "too-few-cases" | "no-variation";
  message: string;
  treatment: MeanEstimate | null;
  holdout: MeanEstimate | null;
  /** The point estimate, when both groups have cases. */
  difference: number | null;
  warnings: StatsWarning[];
}

export type MeansComparison = MeansComparisonComputed | MeansComparisonUnavailable;

/** One group's recovered amounts in one currency, in integer minor units (0 for unrecovered cases). */
export interface RevenueGroup extends MeanGroup {
  /** Number of cases with a recovered amount; enables the few-recoveries warning. */
  recoveries?: number;
}

export interface IncrementalRevenueInput {
  /** ISO 4217 code; amounts of every case are in this currency only. */
  currency: string;
  treatment: RevenueGroup;
  holdout: RevenueGroup;
}

export interface IncrementalRevenueComputed {
  status: "ok";
  reason: null;
  message: null;
  currency: string;
  treatmentCases: number;
  /** Incremental revenue in whole minor units, rounded to nearest. */
  amount: number;
  /** 95% interval in whole minor units, rounded outwards so it never claims more precision. */
  interval: Interval;
  /** The same figures before rounding (fractions of a minor unit). */
  exact: { amount: number; interval: Interval };
  perCase: { difference: number; standardError: number; interval: Interval };
  degreesOfFreedom: number;
  pValue: number;
  means: MeansComparisonComputed;
  warnings: StatsWarning[];
}

export interface IncrementalRevenueUnavailable {
  status: "unavailable";
  reason: MeansComparisonUnavailable["reason"];
  message: string;
  currency: string;
  treatmentCases: number | null;
  /** Point estimate in whole minor units when both groups have cases, else null. */
  amount: number | null;
  means: MeansComparisonUnavailable | null;
  warnings: StatsWarning[];
}

export type IncrementalRevenue = IncrementalRevenueComputed | IncrementalRevenueUnavailable;

// ---------------------------------------------------------------------------
// Recovery rate
// ---------------------------------------------------------------------------

/** Wilson score interval for `successes` out of `n` (n ≥ 1). */
export function wilsonInterval(successes: number, n: number): Interval {
  const z2 = Z_CRITICAL * Z_CRITICAL;
  const denominator = n + z2;
  const centre = (successes + z2 / 2) / denominator;
  const halfWidth = (Z_CRITICAL / denominator) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  // At 0 or n the bound is exactly 0 or 1; pin it rather than trust rounding.
  return {
    lower: successes === 0 ? 0 : clamp(centre - halfWidth, 0, 1),
    upper: successes === n ? 1 : clamp(centre + halfWidth, 0, 1),
  };
}

/**
 * Recovery rates of treatment and holdout, Newcombe's interval for their
 * difference and the pooled z-test p-value.
 */
export function compareProportions(
  input: { treatment: ProportionGroup; holdout: ProportionGroup },
  options: StatsOptions = {},
): ProportionComparison {
  const scope = scopeSuffix(options);
  const invalid = validateProportionGroup("treatment", input.treatment) ?? validateProportionGroup("holdout", input.holdout);
  if (invalid) {
    return { status: "unavailable", reason: "invalid-input", message: invalid, treatment: null, holdout: null, warnings: [] };
  }

  const treatment = rateEstimate(input.treatment);
  const holdout = rateEstimate(input.holdout);
  if (!treatment || !holdout) {
    return {
      status: "unavailable",
      reason: "no-cases",
      message: noCasesMessage(!treatment, !holdout, scope),
      treatment,
      holdout,
      warnings: [],
    };
  }

  const difference = treatment.rate - holdout.rate;
  // Newcombe (1998) method 10: combine each group's distance from its rate to
  // the relevant Wilson bound, as if the bounds were independent normal limits.
  const differenceInterval = {
    lower: clamp(
      difference - Math.hypot(treatment.rate - treatment.interval.lower, holdout.interval.upper - holdout.rate),
      -1,
      1,
    ),
    upper: clamp(
      difference + Math.hypot(treatment.interval.upper - treatment.rate, holdout.rate - holdout.interval.lower),
      -1,
      1,
    ),
  };

  const pooledSuccesses = treatment.successes + holdout.successes;
  const pooledN = treatment.n + holdout.n;
  const pooledRate = pooledSuccesses / pooledN;
  const warnings = [
    ...proportionWarnings("treatment", treatment.n, pooledRate, scope),
    ...proportionWarnings("holdout", holdout.n, pooledRate, scope),
  ];

  if (pooledSuccesses === 0 || pooledSuccesses === pooledN) {
    const none = pooledSuccesses === 0;
    return {
      status: "degenerate",
      reason: none ? "no-recoveries" : "all-recovered",
      message:
        `${none ? "No case in either group was recovered" : "Every case in both groups was recovered"}${scope}, ` +
        "so the two rates cannot differ in this data: the z-test is undefined and its p-value is reported as 1. " +
        "The interval still shows how large a difference these counts cannot rule out.",
      treatment,
      holdout,
      difference,
      differenceInterval,
      pooledRate,
      z: null,
      pValue: 1,
      warnings,
    };
  }

  const standardError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / treatment.n + 1 / holdout.n));
  const z = difference / standardError;
  return {
    status: "ok",
    reason: null,
    message: null,
    treatment,
    holdout,
    difference,
    differenceInterval,
    pooledRate,
    z,
    pValue: twoSidedNormalPValue(z),
    warnings,
  };
}

function rateEstimate(group: ProportionGroup): RateEstimate | null {
  if (group.n === 0) return null;
  return {
    n: group.n,
    successes: group.successes,
    rate: group.successes / group.n,
    interval: wilsonInterval(group.successes, group.n),
  };
}

function validateProportionGroup(group: Group, value: ProportionGroup): string | null {
  if (!isCount(value.n)) return invalidMessage(`${group}.n must be a whole number of cases, 0 or more`, value.n);
  if (!isCount(value.successes) || value.successes > value.n) {
    return invalidMessage(`${group}.successes must be a whole number between 0 and ${group}.n (${value.n})`, value.successes);
  }
  return null;
}

function proportionWarnings(group: Group, n: number, pooledRate: number, scope: string): StatsWarning[] {
  if (n < MIN_CASES_PER_GROUP) return [smallGroupWarning(group, n, scope, true)];
  const expectedRecoveries = n * pooledRate;
  const expectedNonRecoveries = n * (1 - pooledRate);
  if (Math.min(expectedRecoveries, expectedNonRecoveries) >= MIN_EXPECTED_OUTCOMES_PER_GROUP) return [];
  const [expected, outcome] =
    expectedRecoveries <= expectedNonRecoveries
      ? [expectedRecoveries, "recoveries"]
      : [expectedNonRecoveries, "non-recoveries"];
  return [
    {
      code: "few-expected-outcomes",
      group,
      message:
        `At the overall recovery rate the ${group} group${scope} would expect only ${formatCount(expected)} ${outcome}; ` +
        `with fewer than ${MIN_EXPECTED_OUTCOMES_PER_GROUP} recoveries or non-recoveries expected in a group, ` +
        "the result is too uncertain to conclude anything.",
    },
  ];
}

// ---------------------------------------------------------------------------
// Mean amount per case
// ---------------------------------------------------------------------------

/**
 * Welch's t-test for the difference in mean (treatment − holdout), with a
 * 95% interval on Welch–Satterthwaite degrees of freedom, from each group's
 * count, sum and sum of squares.
 */
export function compareMeans(
  input: { treatment: MeanGroup; holdout: MeanGroup },
  options: StatsOptions = {},
): MeansComparison {
  const scope = scopeSuffix(options);
  const unavailable = (
    reason: MeansComparisonUnavailable["reason"],
    message: string,
    treatment: MeanEstimate | null = null,
    holdout: MeanEstimate | null = null,
  ): MeansComparisonUnavailable => ({
    status: "unavailable",
    reason,
    message,
    treatment,
    holdout,
    difference: treatment && holdout ? treatment.mean - holdout.mean : null,
    warnings: [],
  });

  const treatmentMoments = moments("treatment", input.treatment);
  if (typeof treatmentMoments === "string") return unavailable("invalid-input", treatmentMoments);
  const holdoutMoments = moments("holdout", input.holdout);
  if (typeof holdoutMoments === "string") return unavailable("invalid-input", holdoutMoments);

  const treatment = treatmentMoments;
  const holdout = holdoutMoments;
  if (!treatment || !holdout) {
    return unavailable("no-cases", noCasesMessage(!treatment, !holdout, scope), treatment, holdout);
  }
  if (treatment.variance === null || holdout.variance === null) {
    const short = [treatment, holdout].flatMap((estimate, i) =>
      estimate.variance === null ? [`the ${i === 0 ? "treatment" : "holdout"} group has only 1 case`] : [],
    );
    return unavailable(
      "too-few-cases",
      `${capitalise(short.join(" and "))}${scope}; at least 2 cases per group are needed to estimate how much amounts vary, ` +
        "so no interval or p-value can be given yet.",
      treatment,
      holdout,
    );
  }

  const treatmentShare = treatment.variance / treatment.n;
  const holdoutShare = holdout.variance / holdout.n;
  if (treatmentShare === 0 && holdoutShare === 0) {
    return unavailable(
      "no-variation",
      `Within each group every case${scope} has the same amount (for example, none was recovered), ` +
        "so there is no variation to estimate the uncertainty from; the difference is shown without an interval or p-value.",
      treatment,
      holdout,
    );
  }

  const difference = treatment.mean - holdout.mean;
  const standardError = Math.sqrt(treatmentShare + holdoutShare);
  const degreesOfFreedom =
    (treatmentShare + holdoutShare) ** 2 /
    (treatmentShare ** 2 / (treatment.n - 1) + holdoutShare ** 2 / (holdout.n - 1));
  const t = difference / standardError;
  const critical = tQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, degreesOfFreedom);
  return {
    status: "ok",
    reason: null,
    message: null,
    treatment,
    holdout,
    difference,
    standardError,
    degreesOfFreedom,
    t,
    interval: { lower: difference - critical * standardError, upper: difference + critical * standardError },
    pValue: Math.min(1, 2 * tCdf(-Math.abs(t), degreesOfFreedom)),
    warnings: [...meanWarnings("treatment", treatment, null, scope), ...meanWarnings("holdout", holdout, null, scope)],
  };
}

/** Mean and variance of a group, `null` for an empty group, or a message for invalid input. */
function moments(group: Group, value: MeanGroup): MeanEstimate | null | string {
  const { n, sum, sumOfSquares } = value;
  if (!isCount(n)) return invalidMessage(`${group}.n must be a whole number of cases, 0 or more`, n);
  if (typeof sum === "number" && !Number.isFinite(sum)) return invalidMessage(`${group}.sum must be a finite number`, sum);
  if (typeof sumOfSquares === "number" && !Number.isFinite(sumOfSquares)) {
    return invalidMessage(`${group}.sumOfSquares must be a finite number`, sumOfSquares);
  }
  if (sumOfSquares < 0) return invalidMessage(`${group}.sumOfSquares cannot be negative`, sumOfSquares);
  if (n === 0) {
    if (Number(sum) !== 0 || Number(sumOfSquares) !== 0) {
      return `Invalid input: ${group} has no cases but a non-zero sum or sum of squares.`;
    }
    return null;
  }

  const mean = Number(sum) / n;
  // n·Σx² − (Σx)² is n(n−1) times the sample variance; it is ≥ 0 for any real data.
  let scaledVariance: number;
  if (isWhole(sum) && isWhole(sumOfSquares)) {
    const exact = BigInt(n) * BigInt(sumOfSquares) - BigInt(sum) * BigInt(sum);
    if (exact < BigInt(0)) return inconsistentMessage(group);
    scaledVariance = Number(exact);
  } else {
    const squares = n * Number(sumOfSquares);
    scaledVariance = squares - Number(sum) ** 2;
    // Fractional inputs lose digits to cancellation; treat tiny negatives as zero.
    if (scaledVariance < -1e-9 * Math.max(1, squares)) return inconsistentMessage(group);
    scaledVariance = Math.max(0, scaledVariance);
  }
  const variance = n >= 2 ? scaledVariance / (n * (n - 1)) : null;
  return { n, mean, variance, standardDeviation: variance === null ? null : Math.sqrt(variance) };
}

function meanWarnings(group: Group, estimate: MeanEstimate, recoveries: number | null, scope: string): StatsWarning[] {
  if (estimate.n < MIN_CASES_PER_GROUP) return [smallGroupWarning(group, estimate.n, scope, false)];
  if (recoveries !== null && recoveries < MIN_RECOVERIES_FOR_REVENUE) {
    return [
      {
        code: "few-recoveries",
        group,
        message:
          (recoveries === 0
            ? `No case in the ${group} group${scope} was recovered, so the interval treats its average of zero as exact and understates the uncertainty`
            : `The ${group} group${scope} has only ${recoveries} recovered ${plural(recoveries, "case")}, so its average rests on very few payments`) +
          `; with fewer than ${MIN_RECOVERIES_FOR_REVENUE} recoveries in a group, the result is too uncertain to conclude anything.`,
      },
    ];
  }
  if (estimate.variance === 0) {
    return [
      {
        code: "constant-group",
        group,
        message:
          (estimate.mean === 0
            ? `No case in the ${group} group${scope} has any recovered amount`
            : `Every case in the ${group} group${scope} has the same amount`) +
          ", so the interval treats that group's average as exact and understates the uncertainty.",
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------
// Incremental revenue
// ---------------------------------------------------------------------------

/**
 * Revenue the treatment recovered beyond what the holdout's behaviour
 * predicts: (mean per treatment case − mean per holdout case) × treatment
 * cases, in minor units of one currency. Call it once per currency; amounts
 * in different currencies must never be added together.
 */
export function incrementalRevenue(input: IncrementalRevenueInput, options: StatsOptions = {}): IncrementalRevenue {
  const { currency, treatment, holdout } = input;
  if (!/^[A-Z]{3}$/.test(currency)) {
    return {
      status: "unavailable",
      reason: "invalid-input",
      message: invalidMessage("currency must be a three-letter ISO 4217 code such as EUR", currency),
      currency,
      treatmentCases: null,
      amount: null,
      means: null,
      warnings: [],
    };
  }
  const recoveriesProblem =
    validateRecoveries("treatment", treatment) ?? validateRecoveries("holdout", holdout);
  if (recoveriesProblem) {
    return {
      status: "unavailable",
      reason: "invalid-input",
      message: recoveriesProblem,
      currency,
      treatmentCases: null,
      amount: null,
      means: null,
      warnings: [],
    };
  }

  const scope = [`in ${currency}`, options.scope?.trim()].filter(Boolean).join(" ");
  const means = compareMeans({ treatment, holdout }, { scope });
  if (means.status === "unavailable") {
    const cases = means.treatment?.n ?? null;
    return {
      status: "unavailable",
      reason: means.reason,
      message: means.message,
      currency,
      treatmentCases: cases,
      amount: means.difference !== null && cases !== null ? roundMinor(means.difference * cases, Math.round) : null,
      means,
      warnings: [],
    };
  }

  const cases = means.treatment.n;
  const exactAmount = means.difference * cases;
  const exactInterval = { lower: means.interval.lower * cases, upper: means.interval.upper * cases };
  const suffix = scopeSuffix({ scope });
  return {
    status: "ok",
    reason: null,
    message: null,
    currency,
    treatmentCases: cases,
    amount: roundMinor(exactAmount, Math.round),
    interval: { lower: roundMinor(exactInterval.lower, Math.floor), upper: roundMinor(exactInterval.upper, Math.ceil) },
    exact: { amount: exactAmount, interval: exactInterval },
    perCase: { difference: means.difference, standardError: means.standardError, interval: means.interval },
    degreesOfFreedom: means.degreesOfFreedom,
    pValue: means.pValue,
    means,
    warnings: [
      ...meanWarnings("treatment", means.treatment, treatment.recoveries ?? null, suffix),
      ...meanWarnings("holdout", means.holdout, holdout.recoveries ?? null, suffix),
    ],
  };
}

function validateRecoveries(group: Group, value: RevenueGroup): string | null {
  if (value.recoveries === undefined) return null;
  if (!isCount(value.recoveries) || (isCount(value.n) && value.recoveries > value.n)) {
    return invalidMessage(`${group}.recoveries must be a whole number between 0 and ${group}.n`, value.recoveries);
  }
  return null;
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

/** "< 0.001" below a thousandth, else three decimals: finer digits suggest a precision the data does not have. */
export function formatPValue(pValue: number): string {
  return pValue < 0.001 ? "< 0.001" : pValue.toFixed(3);
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function twoSidedNormalPValue(z: number): number {
  // Φ(−|z|) keeps precision in the tail, where 1 − Φ(|z|) would round to 0.
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

function smallGroupWarning(group: Group, n: number, scope: string, proportions: boolean): StatsWarning {
  return {
    code: "small-group",
    group,
    message:
      `The ${group} group has only ${n} ${plural(n, "case")}${scope}; with fewer than ${MIN_CASES_PER_GROUP} cases in a group` +
      (proportions ? ` (or fewer than ${MIN_EXPECTED_OUTCOMES_PER_GROUP} recoveries or non-recoveries expected)` : "") +
      ", the result is too uncertain to conclude anything.",
  };
}

function noCasesMessage(treatmentEmpty: boolean, holdoutEmpty: boolean, scope: string): string {
  if (treatmentEmpty && holdoutEmpty) {
    return `Neither group has any cases${scope} yet, so there is nothing to compare; the report fills in as failed payments are tracked.`;
  }
  if (holdoutEmpty) {
    return (
      `The holdout group has no cases${scope}, so there is nothing to compare the treatment group against; ` +
      "wait for more failed payments, or check that the workspace keeps a holdout group."
    );
  }
  return `The treatment group has no cases${scope}, so there is no effect of Reclaim to measure yet.`;
}

function inconsistentMessage(group: Group): string {
  return `Invalid input: ${group}.sumOfSquares is smaller than sum²/n, which no set of amounts can produce; check the query that computed them.`;
}

function invalidMessage(rule: string, got: unknown): string {
  return `Invalid input: ${rule} (got ${String(got)}).`;
}

function scopeSuffix(options: StatsOptions): string {
  const scope = options.scope?.trim();
  return scope ? ` ${scope}` : "";
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isWhole(value: number | bigint): boolean {
  return typeof value === "bigint" || Number.isInteger(value);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Rounds to whole minor units and turns −0 into 0. */
function roundMinor(value: number, round: (x: number) => number): number {
  const rounded = round(value);
  return rounded === 0 ? 0 : rounded;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
