"""Latency and memory of azml's language server next to jedi-language-server and python-lsp-server,
on a set of script shapes.

One minimal LSP client (stdio, VS Code-like capabilities with snippet support) drives each server
on each shape in a fresh process, in one run, and prints a table per shape: the first frame
completion after opening, warm frame completions p50/p95, a warm hover on a frame member; then
the worst shape per figure, the peak RSS of the server's process tree, ``pd.`` completion and
diagnostics after a change (first shape) and an in-editor Run next to a cold ``azml run``.

Shapes: an unannotated, never rebound parameter; annotated parameters; a parameter rebound by a
helper; derived frames (copy, mask, merge, groupby-agg); a helper module (azml's Script Bundle)
returning a frame; a 2,000-line script; the designer twin (when created). The peers get annotated
copies wherever they need an annotation to infer anything, so every server offers the same
completions; azml gets the scripts as users write them.

    pip install -c constraints.txt -e '.[bench]'
    python benchmarks/lsp_latency.py                 # all three servers
    python benchmarks/lsp_latency.py --servers azml --settle 0 --shapes derived,twin
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

from azml_lsp.cache import cache_root

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

HEADER = "import numpy as np\nimport pandas as pd\nfrom tidy import tidy_frame\n\n\n"
HELPER = """def clean_columns(df) -> pd.DataFrame:
    df.columns = [str(c).strip() for c in df.columns]
    return df


"""
PLAIN = "def azureml_main(dataframe1=None, dataframe2=None):\n"
ANNOTATED = "def azureml_main(dataframe1: pd.DataFrame = None, dataframe2: pd.DataFrame = None):\n"
BODY = """    summary = dataframe1.describe()
    joined = dataframe1.merge(dataframe2, on="key")
    frame = pd.read_csv("data.csv")
"""
DERIVED = """    copied{a} = dataframe1.copy()
    kept{a} = dataframe1[dataframe1["key"] > 1]
    merged{a} = dataframe1.merge(dataframe2, on="key")
    totals{a} = dataframe1.groupby("key").agg("sum")
    tidied{a} = tidy_frame(dataframe1)
"""
PEER_ANNOTATION = ": pd.DataFrame"
TWIN_HEADER = "# azml: env=designer\n"
TIDY = "import pandas as pd\n\n\ndef tidy_frame(frame):\n    return pd.DataFrame(frame).dropna()\n"
EXAMPLE = """def azureml_main(dataframe1=None, dataframe2=None):
    dataframe1["total"] = dataframe1["a"] + dataframe1["b"]
    return dataframe1,
"""


def long_script() -> tuple[str, str]:
    """About 2,000 lines of ordinary frame code: 200 helpers and an entry point of 800 lines."""
    helpers = "".join(
        f"def step_{i}(frame):\n    frame = frame.copy()\n    frame['c{i}'] = frame['a'] * {i}\n"
        f"    return frame[frame['c{i}'] > 0]\n\n\n"
        for i in range(200)
    )
    calls = "".join(f"    part_{i} = step_{i % 200}(dataframe1)\n" for i in range(800))
    return helpers, calls


@dataclass(frozen=True)
class Shape:
    """One script shape: azml's text, the peers' annotated copy, what is typed and expected."""

    name: str
    ours: str
    peers: str
    typed: tuple[str, ...]
    expected: str = "groupby"

    def text(self, server: Server) -> str:
        """The script a server gets (azml's declares its bundle, the peers' import from their
        own folder), ending with a return for the typed lines to go before."""
        ours = self.ours if self.ours.startswith("# azml:") else "# azml:\n" + self.ours
        text = (
            ours.replace("# azml:", "# azml: bundle=lib", 1)
            if server.name == "azml"
            else self.peers
        )
        return text + "    return dataframe1,\n"


def shapes(twin: bool) -> list[Shape]:
    rebound = "    dataframe1 = clean_columns(dataframe1)\n"
    derived = DERIVED.format(a="")
    annotated = DERIVED.format(a=PEER_ANNOTATION)
    helpers, calls = long_script()
    found = [
        Shape(
            "unannotated, unrebound",
            HEADER + PLAIN + BODY,
            HEADER + ANNOTATED + BODY,
            ("dataframe1.", "dataframe2."),
        ),
        Shape(
            "annotated",
            HEADER + ANNOTATED + BODY,
            HEADER + ANNOTATED + BODY,
            ("dataframe1.", "dataframe2."),
        ),
        Shape(
            "rebound parameter",
            HEADER + HELPER + ANNOTATED + BODY + rebound,
            HEADER + HELPER + ANNOTATED + BODY + rebound,
            ("dataframe1.", "dataframe2."),
        ),
        Shape(
            "derived frames (copy, mask, merge, groupby-agg)",
            HEADER + PLAIN + BODY + derived,
            HEADER + ANNOTATED + BODY + annotated,
            ("copied.", "kept.", "merged.", "totals."),
        ),
        Shape(
            "helper module returning a frame",
            HEADER + PLAIN + BODY + derived,
            HEADER + ANNOTATED + BODY + annotated,
            ("tidied.",),
        ),
        Shape(
            "2,000-line script",
            HEADER + HELPER + helpers + PLAIN + BODY + calls + rebound,
            HEADER + HELPER + helpers + ANNOTATED + BODY + calls + rebound,
            ("dataframe1.", "dataframe2."),
        ),
    ]
    if twin:
        found.append(Shape("designer twin", TWIN_HEADER + HEADER + ANNOTATED + BODY,
                           HEADER + ANNOTATED + BODY, ("dataframe1.", "dataframe2.")))  # fmt: skip
    return found


@dataclass
class Server:
    name: str
    command: list[str]
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
    """One server, one script shape, a fresh process: the measured conversation."""

    def __init__(
        self, server: Server, shape: Shape, root: Path, settle: float, warm_runs: int,
        env: dict[str, str], extras: bool,
    ) -> None:  # fmt: skip
        self.env = env
        self.server = server
        self.shape = shape
        self.root = root / server.name
        self.settle = settle
        self.warm_runs = warm_runs
        self.extras = extras
        self.path = self.root / f"{shape.name.split()[0].strip(',')}_{len(shape.ours)}.py"
        self.uri = self.path.as_uri()
        self.version = 1
        self.base = shape.text(server)
        self.text = self.base
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
        """Insert a line ``typed`` before the last return, and complete at its end."""
        lines = self.base.split("\n")
        index = max(i for i, line in enumerate(lines) if line.strip().startswith("return"))
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
        client.request(
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
        typed = self.shape.typed
        elapsed, found = self.complete_after(typed[0])
        self._expect(self.shape.expected, found, typed[0])
        self.figures["first frame completion (s)"] = elapsed
        warm = self.completions(list(typed), self.shape.expected, self.warm_runs)
        self.figures["warm frame completion p50 (s)"] = statistics.median(warm)
        self.figures["warm frame completion p95 (s)"] = percentile(warm, 0.95)
        self.change(self.base)
        line = self.text.split("\n").index('    joined = dataframe1.merge(dataframe2, on="key")')
        hovers = []
        for _ in range(6):
            elapsed, result = self.client.request(
                "textDocument/hover",
                {"textDocument": {"uri": self.uri}, "position": {"line": line, "character": 26}},
            )
            if not result:
                raise RuntimeError(f"{self.server.name}: no hover on dataframe1.merge")
            hovers.append(elapsed)
        self.figures["warm hover on a frame member (s)"] = statistics.median(hovers[1:])
        if self.extras:
            self.complete_after("pd.")
            few = max(3, self.warm_runs // 4)
            self.figures["warm pd. completion (s)"] = statistics.median(
                self.completions(["pd."], "read_csv", few)
            )
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
        times = []
        last = self.base.rindex("    return")
        for i in range(6):
            text = self.base[:last] + f"    unused_{i} = 1\n" + self.base[last:]
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
                f"{self.server.name} on {self.shape.name}: {what} completion lacks {label!r} "
                f"({len(found)} items)"
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
    "azml": Server("azml", [sys.executable, "-m", "azml_lsp", "lsp"]),
    "jedi-language-server": Server("jedi-language-server", ["jedi-language-server"]),
    "pylsp": Server("pylsp", ["pylsp"]),
}
PER_SHAPE = {
    "first frame completion (s)": ("jedi-language-server", 0.25),
    "warm frame completion p50 (s)": (None, None),
    "warm frame completion p95 (s)": ("best peer", 0.25),
    "warm hover on a frame member (s)": ("best peer", 0.5),
}
Results = dict[str, dict[str, dict[str, float | str]]]
"""shape -> server -> metric -> figure."""


def _reference(
    figures: dict[str, dict[str, float | str]], metric: str, against: str
) -> float | None:
    if against == "best peer":
        peers = [f.get(metric) for name, f in figures.items() if name != "azml"]
        values = [v for v in peers if isinstance(v, float)]
        return min(values) if values else None
    value = figures.get(against, {}).get(metric)
    return value if isinstance(value, float) else None


def table(results: Results, runs: dict[str, float] | None) -> str:
    """Per shape and metric: each server's figure, azml's ratio to the reference, the target;
    then the worst shape per metric, peak RSS, and the figures measured on the first shape."""
    names = list(next(iter(results.values())))
    rows = [["shape", "metric", *names, "azml / reference", "target", "met"]]
    worst: dict[str, tuple[float, str]] = {}
    for shape, figures in results.items():
        for metric, (against, limit) in PER_SHAPE.items():
            row = [
                shape,
                metric.removesuffix(" (s)"),
                *(_fmt(figures[n].get(metric)) for n in names),
            ]
            ours = figures.get("azml", {}).get(metric)
            reference = _reference(figures, metric, against) if against else None
            if isinstance(ours, float) and reference and limit is not None:
                ratio = ours / reference
                row += [
                    f"{ratio:.2f}x {against}",
                    f"<= {limit}x",
                    "yes" if ratio <= limit else "NO",
                ]
                if ratio > worst.get(metric, (-1.0, ""))[0]:
                    worst[metric] = (ratio, shape)
            else:
                row += ["", "", ""]
            rows.append(row)
    for metric, (ratio, shape) in worst.items():
        limit = PER_SHAPE[metric][1]
        rows.append(["worst shape: " + shape, metric.removesuffix(" (s)"), *[""] * len(names),
                     f"{ratio:.2f}x", f"<= {limit}x", "yes" if limit and ratio <= limit else "NO"])  # fmt: skip
    peaks = {n: max(float(f[n]["peak RSS (MB)"]) for f in results.values()) for n in names}
    peer_peaks = [v for n, v in peaks.items() if n != "azml"]
    rss_row = ["all shapes (max)", "peak RSS (MB)", *(_fmt(peaks[n]) for n in names)]
    if "azml" in peaks and peer_peaks:
        over = peaks["azml"] - min(peer_peaks)
        rss_row += [f"{over:+.0f} MB best peer", "<= +50 MB", "yes" if over <= 50 else "NO"]
    else:
        rss_row += ["", "", ""]
    rows.append(rss_row)
    first = next(iter(results))
    for metric in ("initialize (s)", "warm pd. completion (s)", "diagnostics after a change (s)"):
        rows.append([first, metric.removesuffix(" (s)"),
                     *(_fmt(results[first][n].get(metric)) for n in names), "", "", ""])  # fmt: skip
    if runs:
        ratio = runs["in-editor Run (s)"] / runs["cold azml run (s)"]
        rows.append(["", "in-editor Run vs cold azml run " + _fmt(runs["cold azml run (s)"]),
                     _fmt(runs["in-editor Run (s)"]), *[""] * (len(names) - 1),
                     f"{ratio:.2f}x of cold", "<= 0.2x", "yes" if ratio <= 0.2 else "NO"])  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
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
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds between opening the script and the first completion (same for all)")  # fmt: skip
    parser.add_argument("--warm", type=int, default=20, help="warm completions to time per shape")
    parser.add_argument("--shapes", help="only the shapes whose names contain one of these words")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed Runs (in-editor and cold); 0 skips"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--empty-azml-cache",
        action="store_true",
        help="start azml with an empty cache folder (no stored members, no bundles)",
    )
    args = parser.parse_args()
    chosen = [SERVERS[n.strip()] for n in args.servers.split(",") if n.strip()]
    missing = [s.name for s in chosen if shutil.which(s.command[0]) is None]
    if missing:
        parser.error(
            f"not installed: {', '.join(missing)} (pip install -c constraints.txt -e '.[bench]')"
        )
    twin = (Path(cache_root()) / "twins" / "designer" / "twin.json").is_file()
    selected = [
        shape for shape in shapes(twin)
        if not args.shapes or any(w in shape.name for w in args.shapes.split(","))
    ]  # fmt: skip
    results: Results = {}
    with tempfile.TemporaryDirectory(prefix="azml-bench-") as folder:
        root = Path(folder)
        for server in chosen:
            prepare(root / server.name, server)
        for index, shape in enumerate(selected):
            results[shape.name] = {}
            for server in chosen:  # one fresh process per server and shape, in turn
                print(f"measuring {server.name} on {shape.name} ...", file=sys.stderr, flush=True)
                env = {"AZML_CACHE_DIR": str(root / "empty-cache")} if args.empty_azml_cache else {}
                session = Session(server, shape, root, args.settle, args.warm, env, index == 0)
                results[shape.name][server.name] = session.run()
            if args.json:  # figures so far, should a long run be stopped
                args.json.write_text(json.dumps({"shapes": results}, indent=2))
        runs = (
            run_times(root, args.runs, args.settle)
            if args.runs and "azml" in [s.name for s in chosen]
            else None
        )
    print(table(results, runs))
    cache = "an empty" if args.empty_azml_cache else "its usual"
    print(
        f"\nazml started with {cache} cache folder; first completion requested "
        f"{args.settle:g} s after didOpen; {args.warm} warm completions per shape; "
        f"{os.cpu_count()} CPUs" + ("" if twin else "; no designer twin: its shape skipped")
    )
    if args.json:
        args.json.write_text(json.dumps({"shapes": results, "runs": runs}, indent=2))
    return 0


def prepare(folder: Path, server: Server) -> None:
    """A server's workspace: the helper module in azml's bundle folder, beside the peers'
    scripts (where they import it from)."""
    (folder / "lib").mkdir(parents=True)
    (folder / ("lib/tidy.py" if server.name == "azml" else "tidy.py")).write_text(TIDY)


if __name__ == "__main__":
    sys.exit(main())
