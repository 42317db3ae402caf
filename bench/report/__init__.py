"""HTML report: one self-contained file rebuilt from a run folder alone."""

from bench.report.render import ReportContext, build_context, write_report

__all__ = ["ReportContext", "build_context", "write_report"]
