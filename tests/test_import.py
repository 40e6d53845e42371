"""``import hpint`` stays light: heavy libraries load only when a feature that needs them is used."""

import subprocess
import sys

HEAVY = [
    "numpy",
    "sqlalchemy",
    "alembic",
    "pandas",
    "scipy",
    "torch",
    "lightning",
    "keras",
    "tensorflow",
    "tensorboard",
    "matplotlib",
    "plotly",
]


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_hpint_loads_no_heavy_dependency():
    assert _loaded_after("import hpint").isdisjoint(HEAVY)


def test_in_memory_study_needs_numpy_but_not_sqlalchemy():
    loaded = _loaded_after(
        "import hpint\nhpint.create_study().optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=2)"
    )
    assert "sqlalchemy" not in loaded and "pandas" not in loaded


def test_artifacts_are_lazy_and_load_no_cloud_sdk():
    assert "hpint.artifacts" not in _loaded_after_full("import hpint")
    loaded = _loaded_after("import hpint\nhpint.artifacts.FileSystemArtifactStore('.')")
    assert loaded.isdisjoint(HEAVY + ["boto3", "botocore", "google"])


def _loaded_after_full(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_visualization_imports_no_plotting_library():
    loaded = _loaded_after("import hpint.visualization, hpint.visualization.matplotlib")
    assert loaded.isdisjoint(HEAVY)
    loaded = _loaded_after(
        "import hpint\nhpint.visualization.plot_contour, hpint.visualization.matplotlib.plot_rank"
    )
    assert loaded.isdisjoint(HEAVY)
