"""A real study in under a minute: tune a scikit-learn classifier on the bundled digits data set.

Run:  python examples/sklearn_digits.py [--storage sqlite:///digits.db] [--n-trials 40]

The study is stored in SQLite, so running the script again resumes it (load_if_exists=True), and several
copies started at once in different terminals share the work.
"""

from __future__ import annotations

import argparse
import warnings

from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

import hpint


def make_model(trial: hpint.trial.BaseTrial):
    kind = trial.suggest_categorical("model", ["svm", "logistic-regression", "decision-tree"])
    if kind == "svm":
        return SVC(
            C=trial.suggest_float("svm_C", 1e-2, 1e2, log=True),
            gamma=trial.suggest_float("svm_gamma", 1e-4, 1e-1, log=True),
        )
    if kind == "logistic-regression":
        return LogisticRegression(C=trial.suggest_float("lr_C", 1e-3, 1e2, log=True), max_iter=300)
    return DecisionTreeClassifier(
        max_depth=trial.suggest_int("tree_max_depth", 2, 32, log=True),
        min_samples_leaf=trial.suggest_int("tree_min_samples_leaf", 1, 20),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="sqlite:///digits.db")
    parser.add_argument("--study-name", default="sklearn-digits")
    parser.add_argument("--n-trials", type=int, default=40)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    X, y = load_digits(return_X_y=True)

    def objective(trial: hpint.Trial) -> float:
        return float(cross_val_score(make_model(trial), X, y, cv=3, n_jobs=1).mean())

    study = hpint.create_study(
        storage=args.storage, study_name=args.study_name, direction="maximize", load_if_exists=True
    )
    study.optimize(objective, n_trials=args.n_trials)
    print(f"{len(study.trials)} trials stored; best accuracy {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
