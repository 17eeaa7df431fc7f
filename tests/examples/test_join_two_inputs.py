"""examples/join_two_inputs: a designer script with two inputs and two result tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv

FOLDER = EXAMPLES_DIR / "join_two_inputs"
KEY = "customer_id"


def test_port_one_holds_the_orders_of_known_customers(
    run_example: Callable[[str], ExampleRun],
) -> None:
    run = run_example("join_two_inputs")
    customers = {row[KEY]: row for row in read_csv(FOLDER / "customers.csv")}
    orders = read_csv(FOLDER / "orders.csv")
    matched = [order for order in orders if order[KEY] in customers]
    assert 0 < len(matched) < len(orders), "the sample data should have unmatched orders"
    joined = run.rows(1)
    assert run.output(1)["rows"] == len(matched)
    assert {row[KEY] for row in joined} == {order[KEY] for order in matched}
    assert sorted(row["order_id"] for row in joined) == sorted(o["order_id"] for o in matched)
    for row in joined:
        assert row["name"] == customers[row[KEY]]["name"]
        assert row["city"] == customers[row[KEY]]["city"]


def test_port_two_summarizes_every_customer(run_example: Callable[[str], ExampleRun]) -> None:
    run = run_example("join_two_inputs")
    customers = read_csv(FOLDER / "customers.csv")
    counts: dict[str, int] = defaultdict(int)
    totals: dict[str, float] = defaultdict(float)
    for order in read_csv(FOLDER / "orders.csv"):
        counts[order[KEY]] += 1
        totals[order[KEY]] += float(order["amount"])
    assert [o["port"] for o in run.result["outputs"]] == [1, 2]
    summary = run.rows(2)
    assert [row[KEY] for row in summary] == [c[KEY] for c in customers]
    for row in summary:
        assert int(row["orders"]) == counts[row[KEY]]
        assert abs(float(row["total"]) - totals[row[KEY]]) < 1e-9


def test_runs_under_the_designer_dialect(run_example: Callable[[str], ExampleRun]) -> None:
    assert run_example("join_two_inputs").result["dialect"] == "designer"
