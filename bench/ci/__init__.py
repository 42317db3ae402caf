"""Regression tracking: comparing runs, gate output formats, history over runs."""
