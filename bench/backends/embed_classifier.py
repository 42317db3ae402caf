"""A small specialised classifier: logistic regression on sentence embeddings.

The seed of many SLM decisions: "a well-delimited task like classification needs no chat
model". For each multiple-choice task the backend embeds the task's train split with a
sentence-embedding model (all-MiniLM-L6-v2 by default: mean pooling, L2-normalised, as
sentence-transformers does for it), fits scikit-learn's logistic regression, and answers
lm-eval's log-likelihood requests with the classifier's log-probabilities — so lm-eval still
scores it, on the same samples as every other model. Generative tasks are not its job: their
cells are recorded as skipped, with the reason.
"""

from __future__ import annotations

import math
import time

from bench.backends.base import LoadedModel, UnsupportedTask, Usage
from bench.catalogue.specs import ModelSpec
from bench.catalogue.weights import local_folder


def _lm_class():
    """Defined lazily: lm-eval, torch and scikit-learn load only in the model process."""
    from lm_eval.api.model import LM

    class EmbeddingClassifierLM(LM):
        usage: Usage

        def __init__(self, folder: str, max_length: int, batch_size: int):
            super().__init__()
            import torch
            from transformers import AutoModel, AutoTokenizer

            self.torch = torch
            self.tokenizer = AutoTokenizer.from_pretrained(folder)
            self.model = AutoModel.from_pretrained(folder).eval()
            self.max_length, self.batch = max_length, batch_size
            self.classifier = None
            self.classes: list[str] = []
            self.train_info: dict = {}

        def embed(self, texts: list[str]):
            """Mean-pooled, L2-normalised embeddings, in batches."""
            torch = self.torch
            out = []
            with torch.inference_mode():
                for i in range(0, len(texts), self.batch):
                    enc = self.tokenizer(texts[i : i + self.batch], padding=True,
                                         truncation=True, max_length=self.max_length,
                                         return_tensors="pt")  # fmt: skip
                    start = time.perf_counter()
                    hidden = self.model(**enc).last_hidden_state
                    mask = enc["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                    out.append(torch.nn.functional.normalize(pooled, dim=1))
                    self.usage.batches.add(time.perf_counter() - start, len(hidden))
            return torch.cat(out).numpy()

        def prepare_task(self, task_name: str) -> dict:
            """Fit the classifier on the task's train split; return training figures."""
            from sklearn.linear_model import LogisticRegression

            from bench.taskkit.registry import task_manager

            task = task_manager(task_name).load([task_name])["tasks"][task_name]
            if task.OUTPUT_TYPE != "multiple_choice":
                raise UnsupportedTask(
                    f"the embedding classifier runs only classification (multiple-choice) "
                    f"tasks; {task_name} is {task.OUTPUT_TYPE}"
                )
            if not task.has_training_docs():
                raise UnsupportedTask(f"{task_name} has no train split to fit a classifier on")
            docs = list(task.training_docs())
            labels = [task.doc_to_choice(d)[task.doc_to_target(d)] for d in docs]
            start = time.perf_counter()
            features = self.embed([task.doc_to_text(d) for d in docs])
            self.classifier = LogisticRegression(max_iter=2000, C=10.0).fit(features, labels)
            self.classes = list(self.classifier.classes_)
            self.train_info = {"seconds": time.perf_counter() - start, "n_train": len(docs),
                               "n_classes": len(self.classes)}  # fmt: skip
            return self.train_info

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            if self.classifier is None:
                raise UnsupportedTask("no classifier fitted for this task")
            start = time.perf_counter()
            contexts = list(dict.fromkeys(r.args[0] for r in requests))
            log_probs = self.classifier.predict_log_proba(self.embed(contexts))
            by_context = dict(zip(contexts, log_probs, strict=True))
            out = []
            for r in requests:
                context, continuation = r.args
                label = continuation.strip()
                row = by_context[context]
                if label in self.classes:
                    lp = float(row[self.classes.index(label)])
                    out.append((lp, lp >= float(row.max())))
                else:
                    out.append((-math.inf, False))
            self.usage.model_seconds += time.perf_counter() - start
            self.usage.requests += len(requests)
            self.usage.input_tokens += sum(len(self.tokenizer(c).input_ids) for c in contexts)
            return out

        def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
            raise UnsupportedTask("the embedding classifier computes no text likelihoods")

        def generate_until(self, requests, disable_tqdm: bool = False):
            raise UnsupportedTask("the embedding classifier does not generate text")

    return EmbeddingClassifierLM


class EmbeddingClassifierBackend:
    """Logistic regression on the embeddings of a sentence-embedding model."""

    name = "embed-clf"

    def load(self, spec: ModelSpec) -> LoadedModel:
        import sklearn
        import torch

        folder = local_folder(spec)
        lm = _lm_class()(str(folder), max_length=min(spec.context_length, 512),
                         batch_size=spec.batch_size)  # fmt: skip
        usage = Usage()
        lm.usage = usage
        info = {"device": "cpu", "folder": str(folder), "torch": torch.__version__,
                "sklearn": sklearn.__version__, "classifier": "LogisticRegression"}  # fmt: skip
        return LoadedModel(spec=spec, lm=lm, usage=usage, info=info)
