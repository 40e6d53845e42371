import json

import pytest

from hpint.cli import main

pytest.importorskip("sqlalchemy")


@pytest.fixture
def url(tmp_path):
    try:
        from hpint.storages import RDBStorage  # noqa: F401
    except ImportError as e:  # pragma: no cover - only while the SQL storage is missing
        pytest.skip(f"RDBStorage unavailable: {e}")
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_create_list_ask_tell_delete(capsys, url):
    code, out, _ = run(
        capsys, "create-study", "--storage", url, "--study-name", "s", "--direction", "maximize"
    )
    assert code == 0 and out.strip() == "s"
    code, out, _ = run(capsys, "create-study", "--storage", url, "--study-name", "s", "--skip-if-exists")
    assert code == 1  # direction differs from the stored one: refused, not silently changed
    code, out, _ = run(
        capsys,
        "create-study",
        "--storage",
        url,
        "--study-name",
        "s",
        "--direction",
        "maximize",
        "--skip-if-exists",
    )
    assert code == 0
    space = json.dumps({"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}})
    code, out, _ = run(capsys, "ask", "--storage", url, "--study-name", "s", "--search-space", space)
    asked = json.loads(out)
    assert code == 0 and asked["number"] == 0 and 0 <= asked["params"]["x"] <= 1
    code, out, _ = run(
        capsys, "tell", "--storage", url, "--study-name", "s", "--trial-number", "0", "--values", "0.7"
    )
    assert code == 0 and json.loads(out) == {"number": 0, "state": "COMPLETE", "values": [0.7]}
    code, out, _ = run(capsys, "trials", "--storage", url, "--study-name", "s", "-f", "json")
    assert json.loads(out)[0]["values"] == [0.7]
    code, out, _ = run(capsys, "studies", "--storage", url)
    assert code == 0 and "| s " in out and "MAXIMIZE" in out
    code, out, _ = run(capsys, "best-trials", "--storage", url, "--study-name", "s")
    assert code == 0 and "0.7" in out
    assert run(capsys, "delete-study", "--storage", url, "--study-name", "s")[0] == 0
    code, _, err = run(capsys, "trials", "--storage", url, "--study-name", "s")
    assert code == 1 and "No study with name 's'" in err


def test_missing_storage_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.delenv("HPINT_STORAGE", raising=False)
    code, _, err = run(capsys, "studies")
    assert code == 1 and "--storage is required" in err


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "create-study" in out


@pytest.mark.parametrize("storage_class", [None, "JournalFileBackend", "JournalFileStorage"])
def test_a_journal_file_is_a_storage(capsys, tmp_path, storage_class):
    """A --storage that is not a URL (or any path with Optuna's --storage-class hint) is a journal file,
    which the library reads back."""
    import hpint
    from hpint.storages import JournalStorage
    from hpint.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    hint = [] if storage_class is None else ["--storage-class", storage_class]
    assert run(capsys, "create-study", "--storage", path, *hint, "--study-name", "j")[0] == 0
    space = json.dumps({"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}})
    code, out, _ = run(capsys, "ask", "--storage", path, *hint, "--study-name", "j", "--search-space", space)
    assert code == 0 and json.loads(out)["number"] == 0
    assert (
        run(
            capsys,
            "tell",
            "--storage",
            path,
            *hint,
            "--study-name",
            "j",
            "--trial-number",
            "0",
            "--values",
            "2",
        )[0]
        == 0
    )
    study = hpint.load_study(study_name="j", storage=JournalStorage(JournalFileBackend(path)))
    assert [t.values for t in study.trials] == [[2.0]]


def test_storage_class_rdb_keeps_a_url(capsys, url):
    assert (
        run(capsys, "create-study", "--storage", url, "--storage-class", "RDBStorage", "--study-name", "r")[0]
        == 0
    )
    assert "| r " in run(capsys, "studies", "--storage", url)[1]
