"""The code users paste from the seed articles runs unchanged with ``import hpint as optuna``."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("sklearn")
HERE = Path(__file__).parent


def _run(args, cwd, env=None):
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


def test_digits_study_runs_and_resumes_from_sqlite(tmp_path):
    pytest.importorskip("sqlalchemy")
    url = f"sqlite:///{tmp_path / 'starter.db'}"
    first = _run([sys.executable, str(HERE / "digits_study.py"), url, "6"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Trials: 6" in first.stdout
    assert "Callback saw: [0, 1, 2, 3, 4, 5]" in first.stdout
    performance = float(first.stdout.split("Performance:")[1].split()[0])
    assert 0.5 < performance <= 1.0
    assert "Multi-objective trials: 3" in first.stdout
    assert "A new study created in RDB with name: starter-experiment" in first.stderr
    assert "Best is trial" in first.stderr
    # Run again: load_if_exists resumes the stored study, numbering continues.
    second = _run([sys.executable, str(HERE / "digits_study.py"), url, "3"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Trials: 9" in second.stdout
    assert "Callback saw: [6, 7, 8]" in second.stdout
    assert "Using an existing study with name 'starter-experiment'" in second.stderr


def test_cli_flow_from_the_article(tmp_path):
    pytest.importorskip("sqlalchemy")
    (tmp_path / "foo.py").write_text(
        textwrap.dedent(
            """
            def objective(trial):
                x = trial.suggest_uniform('x', -10, 10)
                return (x - 2) ** 2
            """
        )
    )
    url = f"sqlite:///{tmp_path / 'example.db'}"
    created = _run([sys.executable, "-m", "hpint", "create-study", "--storage", url], tmp_path)
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip()
    ran = _run(
        [
            sys.executable,
            "-m",
            "hpint",
            "study",
            "optimize",
            "foo.py",
            "objective",
            "--n-trials=10",
            "--storage",
            url,
            "--study-name",
            name,
        ],
        tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    best = _run(
        [sys.executable, "-m", "hpint", "best-trial", "--storage", url, "--study-name", name, "-f", "json"],
        tmp_path,
    )
    assert best.returncode == 0, best.stderr
    assert '"state": "COMPLETE"' in best.stdout
