"""Second, independent implementation of the holdout-lift statistics.

Prints TypeScript constants that `server/analytics/stats.test.ts` pastes
verbatim, so the TypeScript code in `server/analytics/stats.ts` is checked
against numbers it did not compute itself.

    python3 server/analytics/reference/reference.py

Needs Python 3 and scipy (written against scipy 1.17). Where scipy has the
method, scipy computes it (Wilson intervals, Welch's t-test, its interval and
degrees of freedom); where it does not (Newcombe's interval, the pooled z-test),
the textbook formula is written out here in a different algebraic form from the
TypeScript one and, for the z-test, cross-checked against Pearson's chi-square.
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

CONFIDENCE = 0.95
Z = stats.norm.ppf(1 - (1 - CONFIDENCE) / 2)
MAX_SAFE_INTEGER = 2**53 - 1


def wilson(successes, n):
    # scipy's own Wilson score interval (no continuity correction).
    ci = stats.binomtest(successes, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


def newcombe(x1, n1, x2, n2):
    """Newcombe (1998) method 10, written as d -/+ z*sqrt(l(1-l)/n + u(1-u)/n)."""
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = x1 / n1 - x2 / n2
    lower = d - Z * math.sqrt(l1 * (1 - l1) / n1 + u2 * (1 - u2) / n2)
    upper = d + Z * math.sqrt(u1 * (1 - u1) / n1 + l2 * (1 - l2) / n2)
    return lower, upper


def pooled_z_test(x1, n1, x2, n2):
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        # Both groups have the same outcome for every case: no evidence of a difference.
        return None, 1.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / se
    p = 2 * stats.norm.sf(abs(z))
    # The pooled z-test is Pearson's chi-square test on the 2x2 table (z^2 = chi^2).
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    chi2, p_chi2, _, _ = stats.chi2_contingency(table, correction=False)
    assert abs(chi2 - z * z) < 1e-9 * max(1.0, chi2), (chi2, z * z)
    assert abs(p_chi2 - p) < 1e-12, (p_chi2, p)
    return z, p


PROPORTION_CASES = [
    # name, treatment successes, treatment n, holdout successes, holdout n
    ("typical", 420, 1000, 35, 120),
    ("larger", 1301, 3000, 118, 330),
    ("small groups", 3, 40, 1, 12),
    ("treatment worse", 30, 200, 16, 50),
    ("no treatment recoveries", 0, 50, 2, 30),
    ("holdout none recovered", 57, 140, 0, 25),
    ("treatment all recovered", 25, 25, 3, 10),
    ("nobody recovered", 0, 10, 0, 20),
    ("everybody recovered", 10, 10, 20, 20),
    ("newcombe (a)", 56, 70, 48, 80),
    ("newcombe (c)", 6, 7, 2, 7),
]


def proportion_reference():
    out = []
    for name, x1, n1, x2, n2 in PROPORTION_CASES:
        w1 = wilson(x1, n1)
        w2 = wilson(x2, n2)
        lower, upper = newcombe(x1, n1, x2, n2)
        z, p = pooled_z_test(x1, n1, x2, n2)
        out.append(
            {
                "name": name,
                "treatment": {"n": n1, "successes": x1},
                "holdout": {"n": n2, "successes": x2},
                "treatmentWilson": list(w1),
                "holdoutWilson": list(w2),
                "difference": x1 / n1 - x2 / n2,
                "newcombe": [lower, upper],
                "z": z,
                "pValue": p,
            }
        )
    return out


def amounts(rng, n, rate, prices):
    recovered = rng.random(n) < rate
    picked = rng.choice(prices, size=n)
    return [int(a) if r else 0 for a, r in zip(picked, recovered)]


def mean_cases():
    rng = np.random.default_rng(20240607)
    prices = [900, 1900, 2900, 4900, 9900]
    return [
        ("typical", amounts(rng, 240, 0.40, prices), amounts(rng, 60, 0.20, prices)),
        ("holdout none recovered", amounts(rng, 120, 0.45, prices), [0] * 35),
        ("treatment worse", amounts(rng, 150, 0.15, prices), amounts(rng, 90, 0.30, prices)),
        ("small groups", [0, 2900, 0, 4900, 900, 0, 2900, 9900], [0, 0, 1900, 0, 4900]),
        ("two cases each", [1000, 3000], [0, 500]),
        # Enterprise invoices in a zero-decimal currency: the sum of squares
        # passes 2^53, so the exact (bigint) variance path is exercised.
        (
            "large amounts",
            amounts(rng, 5000, 0.5, [1_200_000, 4_800_000, 25_000_000]),
            amounts(rng, 600, 0.3, [1_200_000, 4_800_000, 25_000_000]),
        ),
    ]


def welch_reference():
    out = []
    for name, treatment, holdout in mean_cases():
        a = np.array(treatment, dtype=np.float64)
        b = np.array(holdout, dtype=np.float64)
        result = stats.ttest_ind(a, b, equal_var=False)
        ci = result.confidence_interval(confidence_level=CONFIDENCE)
        n1 = len(treatment)
        diff = float(a.mean() - b.mean())
        out.append(
            {
                "name": name,
                "treatment": sufficient(treatment),
                "holdout": sufficient(holdout),
                "difference": diff,
                "standardError": float(diff / result.statistic),
                "t": float(result.statistic),
                "degreesOfFreedom": float(result.df),
                "pValue": float(result.pvalue),
                "interval": [float(ci.low), float(ci.high)],
                "incrementalRevenue": n1 * diff,
                "incrementalInterval": [n1 * float(ci.low), n1 * float(ci.high)],
            }
        )
    return out


def sufficient(values):
    # Python integers are exact, like the SQL numeric aggregates the report uses.
    return {"n": len(values), "sum": sum(values), "sumOfSquares": sum(v * v for v in values)}


def ts(value, indent=0):
    """Render a JSON-like value as TypeScript; integers past 2^53 become bigint literals."""
    pad = "  " * indent
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}n" if abs(value) > MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        # float() drops numpy's np.float64(...) wrapper from the repr.
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(ts(v, indent) for v in value) + "]"
    if isinstance(value, dict):
        inner = ",\n".join(f"{pad}  {k}: {ts(v, indent + 1)}" for k, v in value.items())
        return "{\n" + inner + f",\n{pad}}}"
    raise TypeError(type(value))


def main():
    print("// Generated by `python3 server/analytics/reference/reference.py`")
    print(f"// (Python {sys.version.split()[0]}, scipy {scipy.__version__}, numpy {np.__version__}). Do not edit by hand.")
    print("const PROPORTION_REFERENCE = [")
    for case in proportion_reference():
        print("  " + ts(case, 1) + ",")
    print("] as const;")
    print("const WELCH_REFERENCE = [")
    for case in welch_reference():
        print("  " + ts(case, 1) + ",")
    print("] as const;")


if __name__ == "__main__":
    main()
