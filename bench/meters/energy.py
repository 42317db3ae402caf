"""Energy and CO2 of a block, from codecarbon's offline tracker, labelled by how it was got.

On machines without RAPL or NVML (like the VMs this project is developed on) codecarbon
*estimates* CPU power from load and a TDP table and RAM power from a constant, so the energy
is nearly run time × a constant. Each component carries its own provenance and the total is
an estimate as soon as any component is.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
from pathlib import Path

from bench.errors import UserError, did_you_mean
from bench.results.records import Measurement, Metric, Phase

MEASURED_CPU_MODES = {
    "intel_rapl": "rapl",
    "intel_power_gadget": "power-gadget",
    "windows_emi": "windows-emi",
    "powermetrics": "powermetrics",
}
COMPONENT_METRIC = {"cpu": Metric.ENERGY_CPU, "gpu": Metric.ENERGY_GPU, "ram": Metric.ENERGY_RAM}


@functools.cache
def grid_countries() -> dict[str, str]:
    """ISO alpha-3 code → country name of every grid codecarbon has a carbon intensity for
    (read from its package data without importing it; empty if it is not installed)."""
    spec = importlib.util.find_spec("codecarbon")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(spec.submodule_search_locations[0]) / "data/private_infra/global_energy_mix.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {code: (v or {}).get("country_name", code) for code, v in data.items()}


def check_country(code: str) -> None:
    """Refuse a grid codecarbon does not know: it would fall back to a world average and
    label it as that country's."""
    known = grid_countries()
    if known and code.upper() not in known:
        err = did_you_mean("--country code", code, known)
        raise UserError(f"{err}; codecarbon has grid data for {len(known)} ISO alpha-3 codes")


class EnergyMeter:
    """Context manager wrapping codecarbon's OfflineEmissionsTracker around a block.

    If codecarbon fails (it is an estimate, never worth failing a run for), the meter yields
    measurements with value None and the reason in their provenance.
    """

    def __init__(self, country_iso_code: str, tracking_mode: str = "process"):
        self.country_iso_code = country_iso_code
        self.tracking_mode = tracking_mode
        self._tracker = None
        self._data = None
        self._failure: str | None = None

    def __enter__(self) -> EnergyMeter:
        try:
            from codecarbon import OfflineEmissionsTracker

            logging.getLogger("codecarbon").setLevel(logging.ERROR)
            self._tracker = OfflineEmissionsTracker(
                country_iso_code=self.country_iso_code,
                tracking_mode=self.tracking_mode,
                output_methods=[],  # nothing written to disk; we keep the figures
                log_level="error",
                measure_power_secs=5,
            )
            self._tracker.start()
        except Exception as exc:  # noqa: BLE001 - the tracker must never break a run
            self._failure = f"codecarbon failed to start: {type(exc).__name__}"
            self._tracker = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tracker is None:
            return
        try:
            self._tracker.stop()
            self._data = self._tracker.final_emissions_data
        except Exception as exc:  # noqa: BLE001
            self._failure = f"codecarbon failed to stop: {type(exc).__name__}"

    def _component_provenance(self) -> dict[str, str]:
        """Provenance per component from the hardware codecarbon actually used."""
        prov = {"ram": "estimated:codecarbon-ram-constant"}
        for hw in getattr(self._tracker, "_hardware", []):
            kind = type(hw).__name__
            if kind == "CPU":
                mode = getattr(hw, "_mode", "unknown")
                prov["cpu"] = (
                    f"measured:{MEASURED_CPU_MODES[mode]}"
                    if mode in MEASURED_CPU_MODES
                    else f"estimated:codecarbon-{mode}"
                )
            elif kind in {"GPU", "AllGPUDevices"}:
                prov["gpu"] = "measured:nvml"
        return prov

    def measurements(self, phase: Phase = Phase.TASK) -> list[Measurement]:
        """Energy (kWh) total and per component, and CO2 (kg) of `phase`, with provenance."""
        if self._data is None:
            why = self._failure or "codecarbon produced no data"
            return [
                Measurement(
                    metric=Metric.ENERGY, phase=phase, value=None, unit="kWh", provenance=why
                ),
                Measurement(metric=Metric.CO2, phase=phase, value=None, unit="kg", provenance=why),
            ]
        d = self._data
        prov = self._component_provenance()
        total_prov = (
            "measured:" + "+".join(p.split(":")[1] for p in prov.values())
            if all(p.startswith("measured") for p in prov.values())
            else "estimated:codecarbon("
            + ", ".join(f"{k}={v.split(':')[1]}" for k, v in prov.items())
            + ")"
        )
        out = [
            Measurement(
                metric=Metric.ENERGY,
                phase=phase,
                value=d.energy_consumed,
                unit="kWh",
                provenance=total_prov,
                detail={
                    "cpu_kwh": d.cpu_energy,
                    "ram_kwh": d.ram_energy,
                    "gpu_kwh": d.gpu_energy,
                    "cpu_power_w": round(d.cpu_power, 3),
                    "ram_power_w": round(d.ram_power, 3),
                    "duration_s": round(d.duration, 3),
                    "tracking_mode": self.tracking_mode,
                },
            ),
            Measurement(
                metric=Metric.CO2,
                phase=phase,
                value=d.emissions,
                unit="kg",
                provenance=f"estimated:codecarbon-grid({d.country_iso_code})",
                detail={
                    "grid_kg_per_kwh": round(d.emissions / d.energy_consumed, 4)
                    if d.energy_consumed
                    else None,
                    "energy_provenance": total_prov,
                },
            ),
        ]
        for comp, p in prov.items():
            out.append(
                Measurement(
                    metric=COMPONENT_METRIC[comp],
                    phase=phase,
                    value=getattr(d, f"{comp}_energy"),
                    unit="kWh",
                    provenance=p,
                )
            )
        return out
