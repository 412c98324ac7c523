"""The training subprocess: spaCy's own training loop, reporting as JSON lines.

Run by `annotator.core.training.run_training` as
`python -m annotator.core.train_worker CONFIG OUTPUT [--gpu-id N] [--name NAME]`.

stdout carries only JSON lines, one per event:
`{"event": "training", "max_steps": ...}` once the pipeline is initialised,
`{"event": "evaluation", "step", "epoch", "loss", "ents_f", "ents_p", "ents_r", "score",
"best", "seconds", "steps_per_s"}` after each evaluation on the dev documents, and
`{"event": "finished", "steps", "interrupted"}` at the end. Everything else (spaCy's
messages, warnings, tracebacks) goes to stderr.

SIGTERM or SIGINT asks it to stop: before training starts it exits at once; during
training it finishes the current step, spaCy saves model-last, and model-best stays the
best pipeline evaluated so far (saving is never cut short).

The pipeline's meta.json gets its name and description at every save, and the saved
config.cfg names spaCy's console logger again, so the folder is a plain spaCy pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


class _State:
    stop_requested = False
    training = False
    step = 0


STATE = _State()


def _on_signal(signum: int, frame: object) -> None:
    if STATE.stop_requested:
        return
    STATE.stop_requested = True
    if not STATE.training:
        raise KeyboardInterrupt


def _emitter(stream: IO[str]) -> Callable[[dict[str, Any]], None]:
    def emit(event: dict[str, Any]) -> None:
        stream.write(json.dumps(event) + "\n")
        stream.flush()

    return emit


def _register(emit: Callable[[dict[str, Any]], None], meta: dict[str, str], plain: Any) -> None:
    """The progress logger and the before-save hook, for this process only."""
    import spacy

    @spacy.registry.loggers("annotator.progress.v1")
    def progress_logger() -> Callable[..., Any]:
        def setup(nlp: Any, stdout: IO[str], stderr: IO[str]) -> tuple[Any, Any]:
            started = time.perf_counter()

            def log_step(info: dict[str, Any] | None) -> None:
                if info is not None:
                    STATE.step = int(info["step"])
                    seconds = time.perf_counter() - started
                    scores = info.get("other_scores") or {}
                    checkpoints = info.get("checkpoints") or []
                    score = float(info["score"])
                    emit(
                        {
                            "event": "evaluation",
                            "step": STATE.step,
                            "epoch": int(info["epoch"]),
                            "loss": {k: round(float(v), 4) for k, v in info["losses"].items()},
                            "ents_f": _score(scores.get("ents_f")),
                            "ents_p": _score(scores.get("ents_p")),
                            "ents_r": _score(scores.get("ents_r")),
                            "score": round(score, 4),
                            "best": bool(checkpoints) and score >= max(c[0] for c in checkpoints),
                            "seconds": round(seconds, 2),
                            "steps_per_s": round((STATE.step + 1) / seconds, 2)
                            if seconds
                            else None,
                        }
                    )
                else:
                    STATE.step += 1
                if STATE.stop_requested:
                    raise KeyboardInterrupt  # spaCy's loop saves model-last on the way out

            def finalize() -> None:
                pass

            return log_step, finalize

        return setup

    @spacy.registry.callbacks("annotator.pipeline_meta.v1")
    def pipeline_meta() -> Callable[[Any], Any]:
        def before_to_disk(nlp: Any) -> Any:
            nlp.meta.update(meta)
            nlp.config["training"]["logger"] = plain["logger"]
            nlp.config["training"]["before_to_disk"] = plain["before_to_disk"]
            return nlp

        return before_to_disk


def _score(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m annotator.core.train_worker")
    ap.add_argument("config", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--gpu-id", type=int, default=-1)
    ap.add_argument("--name", default="pipeline")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--description", default="")
    args = ap.parse_args(argv)

    # JSON events go to the real stdout; anything else printed goes to stderr.
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    emit = _emitter(events)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        return _train(args, emit)
    except KeyboardInterrupt:
        emit({"event": "finished", "steps": STATE.step, "interrupted": True})
        return 0
    except BrokenPipeError:  # the parent is gone; spaCy has saved what it could
        return 1


def _train(args: argparse.Namespace, emit: Callable[[dict[str, Any]], None]) -> int:
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp
    from spacy.util import load_config

    config = load_config(args.config, interpolate=False)
    plain = {
        "logger": config["training"]["logger"],
        "before_to_disk": config["training"]["before_to_disk"],
    }
    meta = {"name": args.name, "version": args.version, "description": args.description}
    _register(emit, meta, plain)
    config["training"]["logger"] = {"@loggers": "annotator.progress.v1"}
    config["training"]["before_to_disk"] = {"@callbacks": "annotator.pipeline_meta.v1"}
    if args.gpu_id >= 0:
        from thinc.api import require_gpu

        require_gpu(args.gpu_id)
    nlp = init_nlp(config, use_gpu=args.gpu_id)
    emit(
        {
            "event": "training",
            "max_steps": config["training"]["max_steps"],
            "components": [
                n for n in nlp.pipe_names if n not in config["training"]["frozen_components"]
            ],
        }
    )
    STATE.training = True
    train_nlp(nlp, args.output, use_gpu=args.gpu_id, stdout=sys.stderr, stderr=sys.stderr)
    emit({"event": "finished", "steps": STATE.step, "interrupted": STATE.stop_requested})
    return 0


if __name__ == "__main__":
    sys.exit(main())
