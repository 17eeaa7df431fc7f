"""What a served script prints reaches the service's log, each line tagged with its request's id
(the caller's ``x-request-id``, or one the service makes and sends back), in both isolations."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess

PRINTS = """import os
import sys

import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    word = dataframe1["word"].iloc[0]
    print("scoring", word)
    print("careful with", word, file=sys.stderr)
    os.system("echo from a command run for " + word)
    if word == "flood":
        sys.stdout.write("x" * 200_000)
    return dataframe1,
"""


def logged(service: ServiceProcess, text: str, wait_s: float = 10.0) -> bool:
    deadline = time.monotonic() + wait_s
    while text not in service.log:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("isolation", ["request", "reimport", "worker"])
def test_script_output_is_logged_with_the_request_id(tmp_path: Path, isolation: str) -> None:
    script = tmp_path / "prints.py"
    script.write_text(PRINTS, encoding="utf-8")
    args = ["--workers", "1", "--timeout", "20", "--isolation", isolation]
    with ServiceProcess(script, args, env={"AZML_ENV": "local"}) as service:
        with httpx.Client(base_url=service.url, timeout=60) as http:
            named = http.post(
                "/score",
                json={"Inputs": {"input1": [{"word": "apples"}]}},
                headers={"x-request-id": "order-17"},
            )
            unnamed = http.post("/score", json={"Inputs": {"input1": [{"word": "pears"}]}})
            flood = http.post("/score", json={"Inputs": {"input1": [{"word": "flood"}]}})
        assert named.status_code == unnamed.status_code == flood.status_code == 200
        assert named.headers["x-request-id"] == "order-17"
        made = unnamed.headers["x-request-id"]
        assert made and made != "order-17"
        assert logged(service, "[request order-17] scoring apples")
        assert logged(service, "[request order-17] careful with apples")
        assert logged(service, "[request order-17] from a command run for apples")
        assert logged(service, f"[request {made}] scoring pears")
        flood_id = flood.headers["x-request-id"]
        assert logged(service, f"[request {flood_id}] [")  # the cap's note on what was cut
        assert "more bytes of output not shown]" in service.log
        assert "scoring apples" not in service.log.replace("[request order-17] scoring apples", "")
