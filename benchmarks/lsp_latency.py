"""Latency and memory of azml's language server next to jedi-language-server and python-lsp-server.

One minimal LSP client (stdio, VS Code-like capabilities with snippet support) drives each server
in turn on the same script, in one run, and prints a table: initialize, first DataFrame completion,
warm completion p50/p95, ``pd.`` completion, hover, diagnostics after a change, peak RSS of the
server's process tree; and for azml an in-editor Run next to a cold ``azml run``.

The peers get an annotated signature (``dataframe1: pd.DataFrame``), which they need to complete
DataFrame members at all; azml gets the unannotated one the module recommends. ``joined.`` is
a local variable (``dataframe1.merge(...)``): every server infers it, none can know it by contract.

    pip install -c constraints.txt -e '.[bench]'
    python benchmarks/lsp_latency.py                 # all three servers
    python benchmarks/lsp_latency.py --servers azml --settle 0
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

#: Measured on this machine's Python: created cloud twins must not change what is measured.
os.environ.setdefault("AZML_ENV", "local")

CAPABILITIES: dict[str, Any] = {
    "workspace": {
        "configuration": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
        "workspaceFolders": True,
        "executeCommand": {"dynamicRegistration": True},
    },
    "textDocument": {
        "synchronization": {"didSave": True, "dynamicRegistration": True},
        "completion": {
            "completionItem": {
                "snippetSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
                "resolveSupport": {
                    "properties": ["documentation", "detail", "additionalTextEdits"]
                },
                "insertReplaceSupport": True,
                "labelDetailsSupport": True,
            },
            "contextSupport": True,
        },
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "signatureHelp": {
            "signatureInformation": {"documentationFormat": ["markdown", "plaintext"]}
        },
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
    },
    "window": {"workDoneProgress": True},
    "general": {"positionEncodings": ["utf-16"]},
}

HEADER = "import numpy as np\nimport pandas as pd\n\n\n"
BODY = """    summary = dataframe1.describe()
    joined = dataframe1.merge(dataframe2, on="key")
    frame = pd.read_csv("data.csv")
    return joined,
"""
SIGNATURES = {
    "plain": "def azureml_main(dataframe1=None, dataframe2=None):\n",
    "annotated": "def azureml_main(dataframe1: pd.DataFrame = None, dataframe2: pd.DataFrame = None):\n",
}
EXAMPLE = """def azureml_main(dataframe1=None, dataframe2=None):
    dataframe1["total"] = dataframe1["a"] + dataframe1["b"]
    return dataframe1,
"""


@dataclass
class Server:
    name: str
    command: list[str]
    signature: str
    options: dict[str, Any] = field(default_factory=dict)


class RssSampler(threading.Thread):
    """Samples the RSS of a process and all its descendants; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        continue
                self.peak = max(self.peak, total)
            except psutil.Error:
                return


class Client:
    """A minimal LSP client over a child's stdio."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env={**os.environ, **(env or {})},
        )
        self._ids = itertools.count(1)
        self._waiting: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.notifications: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            if "id" in message and "method" in message:
                self._answer(message)
            elif "id" in message:
                with self._lock:
                    waiter = self._waiting.pop(message["id"], None)
                if waiter is not None:
                    waiter.put(message)
            else:
                self.notifications.put((now, message))

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [None for _ in request["params"]["items"]]
        self._write({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 120) -> tuple[float, Any]:
        """Send a request; returns (seconds until the response, result)."""
        msg_id = next(self._ids)
        waiter: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._waiting[msg_id] = waiter
        started = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        response = waiter.get(timeout=timeout)
        elapsed = time.perf_counter() - started
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return elapsed, response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(
        self, method: str, predicate: Callable[[dict[str, Any]], bool], timeout: float
    ) -> float:
        """The arrival time of the next notification ``method`` matching ``predicate``."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no {method} within {timeout} s")
            arrived, message = self.notifications.get(timeout=left)
            if message.get("method") == method and predicate(message.get("params", {})):
                return arrived

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()


def labels(result: Any) -> list[str]:
    items = result.get("items", []) if isinstance(result, dict) else result or []
    return [item["label"].strip() for item in items]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Session:
    """One server, one script: the measured conversation."""

    def __init__(
        self, server: Server, root: Path, settle: float, warm_runs: int, env: dict[str, str]
    ) -> None:
        self.env = env
        self.server = server
        self.root = root
        self.settle = settle
        self.warm_runs = warm_runs
        self.path = root / f"script_{server.name}.py"
        self.uri = self.path.as_uri()
        self.version = 1
        self.text = HEADER + SIGNATURES[server.signature] + BODY
        self.path.write_text(self.text)
        self.figures: dict[str, float | str] = {}

    def change(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"text": text}],
            },
        )

    def complete_after(self, typed: str) -> tuple[float, list[str]]:
        """Insert a line ``typed`` before the return, and complete at its end."""
        lines = (HEADER + SIGNATURES[self.server.signature] + BODY).split("\n")
        index = next(i for i, line in enumerate(lines) if line.strip().startswith("return"))
        lines.insert(index, f"    {typed}")
        self.change("\n".join(lines))
        position = {"line": index, "character": 4 + len(typed)}
        elapsed, result = self.client.request(
            "textDocument/completion", {"textDocument": {"uri": self.uri}, "position": position}
        )
        return elapsed, labels(result)

    def run(self) -> dict[str, float | str]:
        started = time.perf_counter()
        self.client = Client(self.server.command, self.root, self.env)
        sampler = RssSampler(self.client.process.pid)
        sampler.start()
        try:
            self._measure(started)
        finally:
            sampler.stopped.set()
            sampler.join()
            self.figures["peak RSS (MB)"] = sampler.peak / 2**20
            self.client.close()
        return self.figures

    def _measure(self, started: float) -> None:
        client = self.client
        elapsed, _ = client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.root.as_uri(),
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
                "capabilities": CAPABILITIES,
                "initializationOptions": self.server.options,
            },
        )
        self.figures["initialize (s)"] = time.perf_counter() - started
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": self.uri,
                    "languageId": "python",
                    "version": 1,
                    "text": self.text,
                }
            },
        )
        time.sleep(self.settle)
        elapsed, found = self.complete_after("dataframe1.")
        self._expect("groupby", found, "dataframe1.")
        self.figures["first DataFrame completion (s)"] = elapsed
        warm = self.completions(["dataframe1.", "dataframe2."], "merge", self.warm_runs)
        self.figures["warm completion p50 (s)"] = statistics.median(warm)
        self.figures["warm completion p95 (s)"] = percentile(warm, 0.95)
        self.complete_after("pd.")
        few = max(3, self.warm_runs // 4)
        self.figures["warm pd. completion (s)"] = statistics.median(
            self.completions(["pd."], "read_csv", few)
        )
        self.figures["warm joined. completion, inferred (s)"] = statistics.median(
            self.completions(["joined."], "merge", few)
        )
        line = self.text.split("\n").index('    frame = pd.read_csv("data.csv")')
        hovers = []
        for _ in range(5):
            elapsed, result = self.client.request(
                "textDocument/hover",
                {"textDocument": {"uri": self.uri}, "position": {"line": line, "character": 18}},
            )
            if not result:
                raise RuntimeError(f"{self.server.name}: no hover on pd.read_csv")
            hovers.append(elapsed)
        self.figures["hover (s)"] = statistics.median(hovers)
        self.figures["diagnostics after a change (s)"] = self._diagnostics_latency()

    def completions(self, typed: list[str], expected: str, count: int) -> list[float]:
        """Time ``count`` completions after each of ``typed`` in turn; each must offer
        ``expected``."""
        times = []
        for i in range(count):
            elapsed, found = self.complete_after(typed[i % len(typed)])
            self._expect(expected, found, typed[i % len(typed)])
            times.append(elapsed)
        return times

    def _diagnostics_latency(self) -> float:
        base = HEADER + SIGNATURES[self.server.signature] + BODY
        times = []
        for i in range(6):
            text = base.replace("    return joined,", f"    unused_{i} = 1\n    return joined,")
            self._drain()
            sent = time.perf_counter()
            self.change(text)
            version = self.version

            def fresh(params: dict[str, Any], version: int = version) -> bool:
                return params.get("uri") == self.uri and params.get("version", version) == version

            arrived = self.client.wait_notification(
                "textDocument/publishDiagnostics", fresh, timeout=30
            )
            times.append(arrived - sent)
            time.sleep(1.2)  # let fixed debounces of the previous change expire
        return statistics.median(times)

    def _drain(self) -> None:
        while True:
            try:
                self.client.notifications.get_nowait()
            except queue.Empty:
                return

    def _expect(self, label: str, found: list[str], what: str) -> None:
        if label not in found:
            raise RuntimeError(
                f"{self.server.name}: {what} completion lacks {label!r} ({len(found)} items)"
            )


def run_times(root: Path, runs: int, settle: float) -> dict[str, float]:
    """An in-editor Run through azml's server next to cold ``azml run --json`` processes."""
    script = root / "example.py"
    script.write_text(EXAMPLE)
    (root / "example.csv").write_text("a,b\n1,2\n3,4\n5,6\n")
    argument = {"uri": script.as_uri(), "dataset1": str(root / "example.csv")}
    cold = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "azml_lsp", "run", str(script), "--dataset1", str(root / "example.csv"),
             "--json", "--out", str(root / "cold-out")],
            check=True, capture_output=True, cwd=root,
        )  # fmt: skip
        cold.append(time.perf_counter() - started)
    client = Client([sys.executable, "-m", "azml_lsp", "lsp"], root)
    try:
        client.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": CAPABILITIES},
        )
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": script.as_uri(),
                    "languageId": "python",
                    "version": 1,
                    "text": EXAMPLE,
                }
            },
        )
        time.sleep(settle)  # the user opens the script, then presses Run
        client.request("workspace/executeCommand", {"command": "azml.run", "arguments": [argument]})
        warm = []
        for _ in range(runs):
            elapsed, result = client.request(
                "workspace/executeCommand", {"command": "azml.run", "arguments": [argument]}
            )
            if not result or not result.get("ok"):
                raise RuntimeError(f"in-editor run failed: {result}")
            warm.append(elapsed)
    finally:
        client.close()
    return {
        "cold azml run (s)": statistics.median(cold),
        "in-editor Run (s)": statistics.median(warm),
    }


SERVERS = {
    "azml": Server("azml", [sys.executable, "-m", "azml_lsp", "lsp"], "plain"),
    "jedi-language-server": Server("jedi-language-server", ["jedi-language-server"], "annotated"),
    "pylsp": Server("pylsp", ["pylsp"], "annotated"),
}
TARGETS = {
    "first DataFrame completion (s)": ("<=", 0.25),
    "warm completion p95 (s)": ("<=", 0.5),
    "warm pd. completion (s)": ("<=", 0.1),
    "diagnostics after a change (s)": ("<=", 0.15),
}


def table(results: dict[str, dict[str, float | str]], runs: dict[str, float] | None) -> str:
    names = list(results)
    metrics = list(next(iter(results.values())))
    header = ["metric", *names]
    reference = (
        "jedi-language-server" if "jedi-language-server" in results and "azml" in results else None
    )
    if reference:
        header += ["azml / jls", "target"]
    rows = [header]
    for metric in metrics:
        row = [metric, *(_fmt(results[n].get(metric)) for n in names)]
        if reference:
            ours, theirs = results["azml"].get(metric), results[reference].get(metric)
            if metric == "peak RSS (MB)" and isinstance(ours, float) and isinstance(theirs, float):
                row += [f"{ours - theirs:+.0f} MB", "<= +50 MB"]
            elif isinstance(ours, float) and isinstance(theirs, float) and theirs > 0:
                target = TARGETS.get(metric)
                row += [f"{ours / theirs:.2f}x", f"<= {target[1]}x" if target else ""]
            else:
                row += ["", ""]
        rows.append(row)
    if runs:
        ratio = runs["in-editor Run (s)"] / runs["cold azml run (s)"]
        rows.append(
            ["cold azml run (s)", _fmt(runs["cold azml run (s)"]), *[""] * (len(header) - 2)]
        )
        rows.append(["in-editor Run (s)", _fmt(runs["in-editor Run (s)"]), *[""] * (len(header) - 4),
                     f"{ratio:.2f}x of cold", "<= 0.2x"][: len(header)])  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:.0f}" if value >= 100 else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--servers", default=",".join(SERVERS), help="comma-separated: " + ", ".join(SERVERS)
    )
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds between opening the script and the first completion (same for all)")  # fmt: skip
    parser.add_argument("--warm", type=int, default=20, help="warm completions to time")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed Runs (in-editor and cold); 0 skips"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--empty-azml-cache",
        action="store_true",
        help="start azml with an empty cache folder (no stored DataFrame members, no bundles)",
    )
    args = parser.parse_args()
    chosen = [SERVERS[n.strip()] for n in args.servers.split(",") if n.strip()]
    missing = [s.name for s in chosen if shutil.which(s.command[0]) is None]
    if missing:
        parser.error(
            f"not installed: {', '.join(missing)} (pip install -c constraints.txt -e '.[bench]')"
        )
    results: dict[str, dict[str, float | str]] = {}
    with tempfile.TemporaryDirectory(prefix="azml-bench-") as folder:
        root = Path(folder)
        for server in chosen:
            print(f"measuring {server.name} ...", file=sys.stderr, flush=True)
            env = {"AZML_CACHE_DIR": str(root / "empty-cache")} if args.empty_azml_cache else {}
            results[server.name] = Session(server, root, args.settle, args.warm, env).run()
        runs = run_times(root, args.runs, args.settle) if args.runs and "azml" in results else None
    print(table(results, runs))
    cache = "an empty" if args.empty_azml_cache else "its usual"
    print(
        f"\nazml started with {cache} cache folder; first completion requested "
        f"{args.settle:g} s after didOpen; {args.warm} warm completions; {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps({"servers": results, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
