"""Analysis: tidy tables and statistics computed from `results/` alone."""

from bench.analysis.stats import mean_interval, score_interval, wilson_interval
from bench.analysis.table import summary, tidy

__all__ = ["mean_interval", "score_interval", "summary", "tidy", "wilson_interval"]
