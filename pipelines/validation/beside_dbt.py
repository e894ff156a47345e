"""Great Expectations in a child process that runs while dbt builds.

Importing Great Expectations alone takes 9-13 s here (altair, scipy, pandas), more than dbt needs
for the whole sample organisation, and the expectations only warn: nothing waits for them but the
report of the night. So the landing step exports tonight's rows to Parquet (a fraction of a second),
starts this module as a child process on them, and the step that reports the results (after dbt)
collects it. On two cores the import and the checks then cost the night nothing. The child is in
the run's process group, so stopping the run stops it too.

    python -m pipelines.validation.beside_dbt JOB.json
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from pipelines.sources import landing_notes
from pipelines.validation.data_expectations import KindValidation, validate_files

_running: dict[str, tuple[subprocess.Popen, Path, Path]] = {}  # working copy → (child, results, state dir)
_finished: dict[str, list[KindValidation]] = {}


def start(key: str, files: dict[str, Path], as_of: str, results_dir: Path, state_dir: Path) -> None:
    """Validate `files` (kind → Parquet) in a child process; `key` names the run (its working copy)."""
    _finished.pop(key, None)
    folder = next(iter(files.values())).parent
    job, out = folder / "job.json", folder / "results.json"
    job.write_text(json.dumps({"files": {k: str(p) for k, p in files.items()}, "as_of": as_of,
                               "results_dir": str(results_dir), "out": str(out)}), encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", __name__, str(job)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    _running[key] = (child, out, state_dir)


def finish(key: str) -> list[KindValidation]:
    """The child's results (waiting for it), noted once for the summary and the alert; [] when nothing ran."""
    if key in _finished:
        return _finished[key]
    if key not in _running:
        return []
    child, out, state_dir = _running.pop(key)
    _, err = child.communicate()
    results = out.read_text(encoding="utf-8") if out.exists() else "[]"
    shutil.rmtree(out.parent, ignore_errors=True)  # tonight's exported rows
    if child.returncode != 0:
        last = (err or "").strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
        raise RuntimeError(f"Great Expectations could not validate tonight's rows: {last[0]}")
    validations = [KindValidation(**v) for v in json.loads(results)]
    landing_notes.add_expectation_failures(state_dir, validations)
    _finished[key] = validations
    return validations


def discard(key: str) -> None:
    """After a run that stopped before collecting its validation: stop the child, drop the exported rows."""
    _finished.pop(key, None)
    if key in _running:
        child, out, _ = _running.pop(key)
        child.kill()
        child.communicate()
        shutil.rmtree(out.parent, ignore_errors=True)


def main(job_path: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    files = {kind: Path(path) for kind, path in job["files"].items()}
    validations = validate_files(files, job["as_of"], Path(job["results_dir"]))
    Path(job["out"]).write_text(json.dumps([asdict(v) for v in validations], default=str), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
