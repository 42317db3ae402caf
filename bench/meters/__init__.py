"""Meters: context managers that yield typed measurements with unit and provenance."""

from bench.meters.energy import EnergyMeter
from bench.meters.gpu import GpuMeter
from bench.meters.memory import PeakRSSMeter, current_rss_mib
from bench.meters.timing import BatchLog, WallTimer

__all__ = ["BatchLog", "EnergyMeter", "GpuMeter", "PeakRSSMeter", "WallTimer", "current_rss_mib"]
