"""What runs write: typed records, the run store, CI baselines."""

from bench.results.records import SCHEMA_VERSION, Measurement, Metric, Phase

__all__ = ["SCHEMA_VERSION", "Measurement", "Metric", "Phase"]
