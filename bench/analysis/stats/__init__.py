"""Statistics — the one place the report, the verdicts and `compare` take them from.

`intervals`: one model's accuracy (Wilson, t) and tests between two runs (exact McNemar, BCa
bootstrap, smallest detectable drop). `noninferiority`: the exact paired non-inferiority test
that relative verdicts rest on.
"""

from bench.analysis.stats.intervals import (
    Z95,
    is_binary,
    mcnemar_exact,
    mean_interval,
    paired_bootstrap_interval,
    score_interval,
    smallest_detectable_drop,
    wilson_bounds,
    wilson_interval,
)
from bench.analysis.stats.noninferiority import (
    NonInferiority,
    exact_pvalue,
    paired_noninferiority,
    samples_to_decide,
    tango_z,
)

__all__ = [
    "Z95",
    "NonInferiority",
    "exact_pvalue",
    "is_binary",
    "mcnemar_exact",
    "mean_interval",
    "paired_bootstrap_interval",
    "paired_noninferiority",
    "samples_to_decide",
    "score_interval",
    "smallest_detectable_drop",
    "tango_z",
    "wilson_bounds",
    "wilson_interval",
]
