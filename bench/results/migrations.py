"""Upgrading stored records, step by step, to the shape this version writes.

Every record kind (cell, perf, run info, baseline snapshot) has an ordered list of small pure
functions `(from_version, step)`; a step takes the stored JSON of version `from_version` and
returns that of the next version. Readers apply the steps on read, writers always write the
current version, so old run folders and committed baselines stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bench.results.migrations_runinfo import migrate_run_info_v1
from bench.results.records import Metric, Phase

Step = Callable[[dict], dict]


class SchemaError(ValueError):
    """A stored record's version cannot be read by this slm-bench (one line)."""


# --- v1 → v2: measurement names become typed fields --------------------------------------------
# Version 1 encoded what a measurement measured in its name (ttft@128in_64out, load_time,
# output_tokens_per_s@batch4). Parsing those names is allowed HERE ONLY: everything else
# reads the typed fields of version 2.

V1_RUN_LENGTHS = re.compile(r"^(?P<metric>\w+)@(?P<n_in>\d+)in_(?P<n_out>\d+)out$")
V1_BATCH = re.compile(r"^(?P<metric>\w+)@batch(?P<size>\d+)$")
V1_LOAD_NAMES = {"load_time": Metric.WALL_TIME, "rss_after_load": Metric.RSS}
V1_SCENARIO_DETAIL = ("input_tokens", "output_tokens", "batch_size")  # now fields


def v1_measurement(old: dict) -> dict:
    """One version-1 measurement (with `name`) as version 2 (metric, phase, lengths, batch)."""
    new = {k: v for k, v in old.items() if k != "name"}
    name = old["name"]
    if (m := V1_RUN_LENGTHS.match(name)) is not None:
        fields = {"metric": m["metric"], "phase": Phase.SCENARIO,
                  "input_tokens": int(m["n_in"]), "output_tokens": int(m["n_out"])}  # fmt: skip
    elif (m := V1_BATCH.match(name)) is not None:
        detail = old.get("detail") or {}
        fields = {"metric": m["metric"], "phase": Phase.SCENARIO,
                  "batch_size": int(m["size"]), "input_tokens": detail.get("input_tokens"),
                  "output_tokens": detail.get("output_tokens")}  # fmt: skip
    elif name == "idle_power":
        fields = {"metric": name, "phase": Phase.IDLE}
    elif name in V1_LOAD_NAMES:
        fields = {"metric": V1_LOAD_NAMES[name], "phase": Phase.LOAD}
    elif name.startswith("load_"):  # load_peak_rss, load_energy, load_co2, load_energy_cpu …
        fields = {"metric": name.removeprefix("load_"), "phase": Phase.LOAD}
    else:
        fields = {"metric": name, "phase": Phase.TASK}
    fields["metric"] = Metric(fields["metric"]).value  # an unknown name fails loudly here
    fields["phase"] = Phase(fields["phase"]).value
    if fields["phase"] == Phase.SCENARIO and "detail" in new:
        new["detail"] = {k: v for k, v in new["detail"].items() if k not in V1_SCENARIO_DETAIL}
    return {**{"input_tokens": None, "output_tokens": None, "batch_size": None}, **new, **fields}


def _measurements_v1_to_v2(data: dict) -> dict:
    """Cell and perf records: every measurement typed, version 2."""
    measurements = [v1_measurement(m) for m in data.get("measurements", [])]
    return {**data, "measurements": measurements, "schema_version": 2}


def run_info_v1_to_v2(data: dict) -> dict:
    """Run info: the loose configuration fields move under `config` (RunConfig)."""
    return {**migrate_run_info_v1(data), "schema_version": 2}


V1_BASELINE_LOAD = {"load_time": Metric.WALL_TIME}


def baseline_v1_to_v2(data: dict) -> dict:
    """Baseline snapshots: the figures dict keyed by name becomes a list of typed figures."""
    cells = []
    for cell in data.get("cells", []):
        figures = []
        for name, fig in (cell.get("figures") or {}).items():
            if name in V1_BASELINE_LOAD:
                figures.append({"metric": V1_BASELINE_LOAD[name].value, "phase": "load", **fig})
            else:
                figures.append({"metric": Metric(name).value, "phase": "task", **fig})
        cells.append({**cell, "figures": figures})
    return {**data, "cells": cells, "schema_version": 2}


# --- the lists, oldest step first --------------------------------------------------------------

MIGRATIONS: dict[str, list[tuple[int, Step]]] = {
    "cell": [(1, _measurements_v1_to_v2)],
    "perf": [(1, _measurements_v1_to_v2)],
    "run_info": [(1, run_info_v1_to_v2)],
    "baseline": [(1, baseline_v1_to_v2)],
    "load": [],  # born at version 2
}

FIRST_VERSION = {"load": 2}
"""Kinds born after schema version 1: their records start at this version (default 1)."""


def upgrade(kind: str, data: dict, current: int) -> dict:
    """`data` (stored JSON of `kind`) upgraded to version `current`; SchemaError if it cannot."""
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise SchemaError(f"has no valid schema version ({version!r})")
    if version > current:
        raise SchemaError(
            f"has schema version {version}, newer than this slm-bench reads ({current}): "
            "upgrade slm-bench"
        )
    for start, step in MIGRATIONS[kind]:
        if data["schema_version"] == start and start < current:
            data = step(data)
    if data["schema_version"] != current:
        raise SchemaError(f"has schema version {version}, which no migration upgrades")
    return data
