# The scikit-learn digits study from the article in shared/seeds/000_*.txt, with only the import changed to
# hpint, the trial count made small and the code run through the formatter. Every call is the article's
# (including the deprecated suggest_uniform / suggest_discrete_uniform): it is the compatibility contract.
import sys
import warnings

from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC as _SVC
from sklearn.tree import DecisionTreeClassifier

import hpint as optuna

warnings.filterwarnings("ignore")


def SVC(**kwargs):  # scikit-learn >= 1.2 rejects the float `degree` the article passes (5.0 in its log)
    return _SVC(**{**kwargs, "degree": int(kwargs["degree"])})


storage_path, n_trials = sys.argv[1] or None, int(sys.argv[2])

data = datasets.load_digits()

X = data.data
y = data.target

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, shuffle=True, random_state=0)


def model_performance(model, X=X_val, y=y_val):
    """
    Get accuracy score on validation/test data from a trained model
    """
    y_pred = model.predict(X)
    return round(accuracy_score(y_pred, y), 3)


def create_model(trial):
    model_type = trial.suggest_categorical("model_type", ["logistic-regression", "decision-tree", "svm"])

    if model_type == "svm":
        kernel = trial.suggest_categorical("kernel", ["linear", "poly", "rbf", "sigmoid"])
        regularization = trial.suggest_uniform("svm-regularization", 0.01, 10)
        degree = trial.suggest_discrete_uniform("degree", 1, 5, 1)
        model = SVC(kernel=kernel, C=regularization, degree=degree)

    if model_type == "logistic-regression":
        penalty = trial.suggest_categorical("penalty", ["l2", "l1"])
        if penalty == "l1":
            solver = "saga"
        else:
            solver = "lbfgs"
        regularization = trial.suggest_uniform("logistic-regularization", 0.01, 10)
        model = LogisticRegression(penalty=penalty, C=regularization, solver=solver)

    if model_type == "decision-tree":
        max_depth = trial.suggest_int("max_depth", 5, X_train.shape[1])
        min_samples_split = trial.suggest_int("min_samples_split", 2, 20)
        min_samples_leaf = trial.suggest_int("min_samples_leaf", 2, 20)
        model = DecisionTreeClassifier(
            max_depth=max_depth, min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf
        )

    if trial.should_prune():
        raise optuna.TrialPruned()

    return model


def objective(trial):
    model = create_model(trial)
    model.fit(X_train, y_train)
    return model_performance(model)


seen = []


def neptune_callback(study, trial):  # stands in for the article's NeptuneCallback(run)
    seen.append(trial.number)


study = optuna.create_study(
    direction="maximize", study_name="starter-experiment", storage=storage_path, load_if_exists=True
)
study.optimize(objective, n_trials=n_trials, callbacks=[neptune_callback])

best_model = create_model(study.best_trial)
best_model.fit(X_train, y_train)
print("Performance: ", model_performance(best_model))
print("Callback saw:", seen)
print("Trials:", len(study.trials))


def objective2(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)

    v0 = 4 * x**2 + 4 * y**2
    v1 = (x - 5) ** 2 + (y - 5) ** 2
    return v0, v1


study2 = optuna.multi_objective.create_study(["minimize", "minimize"])
study2.optimize(objective2, n_trials=3)
print("Multi-objective trials:", len(study2.trials))
