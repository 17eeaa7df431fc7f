"""Helpers the example script imports from its Script Bundle folder."""


def totals_by_city(frame):
    totals = frame.groupby("city", as_index=False)["amount"].sum()
    return totals
