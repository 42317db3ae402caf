"""HTML report: one self-contained file rebuilt from a run folder alone."""

from bench.report.render import build_context, write_report

__all__ = ["build_context", "write_report"]
