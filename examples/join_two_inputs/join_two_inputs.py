# azml: dialect=designer dataset1=customers.csv dataset2=orders.csv
"""Two inputs joined on a key, two result tables (Azure ML designer).

Dataset1 holds customers, Dataset2 their orders. The designer passes each port's table to its
parameter and turns a returned tuple into the two output ports: Result Dataset gets the orders
with their customer, the second port a summary per customer.
"""

import pandas as pd

KEY = "customer_id"


def azureml_main(
    dataframe1: "pd.DataFrame | None" = None, dataframe2: "pd.DataFrame | None" = None
) -> "tuple[pd.DataFrame, pd.DataFrame]":
    """Join orders (Dataset2) to customers (Dataset1) on ``customer_id``."""
    if dataframe1 is None or dataframe2 is None:
        raise ValueError("connect customers to Dataset1 and orders to Dataset2")
    joined = dataframe2.merge(dataframe1, on=KEY, how="inner", validate="many_to_one")
    totals = dataframe2.groupby(KEY).agg(orders=("amount", "size"), total=("amount", "sum"))
    summary = dataframe1.merge(totals, left_on=KEY, right_index=True, how="left")
    summary["orders"] = summary["orders"].fillna(0).astype("int64")
    summary["total"] = summary["total"].fillna(0.0)
    return joined.sort_values([KEY, "order_id"]).reset_index(drop=True), summary
