"""run.json from schema version 1 to the shape with one `config` (bench.run.config.RunConfig).

Version 1 kept the run configuration as loose top-level fields (models, tasks, limit, seed,
country_iso_code, perf as an untyped dict). They now live together under `config`; the rest
of the record is unchanged. Pure functions on dicts, so the store's ordered migration list
can call them before validation.
"""

from __future__ import annotations

import copy

MOVED_TO_CONFIG = ("models", "tasks", "limit", "seed", "country_iso_code", "perf")
"""Top-level version-1 fields that are now fields of `RunInfo.config`."""


def migrate_run_info_v1(data: dict) -> dict:
    """A version-1 run.json dict in the new shape; the input is left untouched.

    Version 1 did not record engine overrides, the extra catalogue or the results folder, so
    `config` gets their defaults; the effective engine settings are in `model_specs` anyway.
    `schema_version` is left as it is: the migration list that calls this sets it.
    """
    out = copy.deepcopy(data)
    if "config" in out:  # already the new shape
        return out
    config = {key: out.pop(key) for key in MOVED_TO_CONFIG if key in out}
    if config.get("perf") is None:
        config.pop("perf", None)
    out["config"] = config
    return out
