"""slm-bench: is a small language model good enough for the job, and at what cost?

`import bench` stays light: torch, transformers, lm-eval and vLLM are imported only inside
the code that loads a model.
"""

__version__ = "0.1.0"
