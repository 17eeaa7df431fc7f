# azml: dialect=classic dataset1=pima-indians-diabetes.csv
"""Supervised feature selection: rank the Pima Indians diabetes features (Studio classic).

An ensemble of randomized trees is fitted to predict ``Outcome``; each feature's importance is
the mean decrease in impurity it brings. The result is one row a feature, most important first.
"""

import pandas as pd
from sklearn.ensemble import ExtraTreesClassifier

TARGET = "Outcome"
TREES = 100
SEED = 0


def rank_features(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Importance of every column but ``target`` for predicting ``target``, highest first."""
    features = frame.drop([target], axis=1)  # drop(columns=) needs pandas 0.21
    model = ExtraTreesClassifier(n_estimators=TREES, random_state=SEED)
    model.fit(features.values, frame[target].values)
    ranking = pd.DataFrame(
        {"feature": list(features.columns), "importance": model.feature_importances_}
    )
    ranking = ranking.sort_values("importance", ascending=False, kind="mergesort")
    return ranking.reset_index(drop=True)


def azureml_main(
    dataframe1: "pd.DataFrame | None" = None, dataframe2: "pd.DataFrame | None" = None
) -> "tuple[pd.DataFrame]":
    """Return the features of Dataset1 ranked by importance for predicting ``Outcome``."""
    if dataframe1 is None or TARGET not in dataframe1.columns:
        raise ValueError("connect the Pima Indians diabetes table (with an 'Outcome' column)")
    ranking = rank_features(dataframe1, TARGET)
    return (ranking,)
