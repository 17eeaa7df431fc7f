"""One run inside a twin: read the inputs, import the script, call ``azureml_main``, describe.

The host prepared everything the contract decides (the working folders, the extracted Script
Bundle, the ``sys.path`` entries to append, the input tables) in ``twin-request.json``. The
harness reports the entry point's parameters and waits for the host to say which input ports
to pass; it ends by writing ``result.json``: the described value, or the facts of the exception
(class, text, every traceback frame), which the host turns into error 0085.
"""

from __future__ import absolute_import, division, print_function

import inspect
import os
import signal
import sys
import traceback
import types

from azml_lsp.harness import sandbox
from azml_lsp.harness.channel import Channel
from azml_lsp.harness.exchange import dump_json, load_json, native_text, optional_table, text_of
from azml_lsp.harness.values import describe

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import IO, Any, Callable, Dict, List, Optional, Tuple  # noqa: F401

REQUEST_FILE = "twin-request.json"
RESULT_FILE = "result.json"
ENTRY_POINT = "azureml_main"
STACK_DUMP_SIGNAL = signal.SIGUSR1

_stack_file = []  # type: List[IO[str]]


def main(control, fds=None, settled=None):
    # type: (str, Optional[Tuple[int, int]], Optional[Callable[[], None]]) -> int
    """Run the request in ``control``; ``fds`` (events, replies) replaces the request's own;
    ``settled`` blocks until the process's own set-up is complete (called after the inputs are
    read, before any of the user's code runs)."""
    request = load_request(os.path.join(control, REQUEST_FILE))
    events, replies = fds or (request["events_fd"], request["replies_fd"])
    channel = Channel(events, replies)
    arm_stack_dump(request["stack_file"])
    try:
        outcome = _run(request, channel, settled)
    except BaseException as exc:  # the harness itself failed: still a structured answer
        outcome = {"internal": exception_facts(exc)}
    dump_json(outcome, os.path.join(request["result"], RESULT_FILE))
    channel.send("done")
    return 0


def _run(request, channel, settled):
    # type: (Dict[str, Any], Channel, Optional[Callable[[], None]]) -> Dict[str, Any]
    frames = [optional_table(folder) for folder in request["inputs"]]
    if settled is not None:
        settled()
    extend_path(request)
    if request.get("debug"):
        _listen_and_wait(request["debug"], channel)
    with open(request["script"], "rb") as stream:
        source = stream.read()
    if request.get("sandbox"):
        sandbox.install(**dict((str(k), v) for k, v in request["sandbox"].items()))
        if not sandbox.AUDIT_HOOKS:
            channel.send("notice", text=sandbox.WITHOUT_AUDIT_HOOKS)
    channel.stage("import")
    os.chdir(request["import_cwd"])
    try:
        entry = import_entry(request, source)
    except BaseException as exc:
        return {"error": exception_facts(exc)}
    channel.send("shape", shape=parameter_facts(entry))
    ports = channel.receive()["ports"]
    channel.stage("call")
    try:
        called = call_entry(entry, frames, ports, request["work"])
    finally:
        os.chdir(request["import_cwd"])
        if request.get("sandbox"):
            sandbox.lift()
        if request.get("debug"):
            _end_debug_session()
    if "value" in called:
        channel.stage("convert")
    return described(called, request["result"])


def load_request(path):
    # type: (str) -> Dict[str, Any]
    """A request file the host wrote, its paths and names as this Python's ``str``."""
    return dict((key, _native(value)) for key, value in load_json(path).items())


def extend_path(request):
    # type: (Dict[str, Any]) -> None
    """Append the working directory and the Script Bundle (and on 2.7 the bundle's
    ``Python27/site-packages`` and its eggs) to ``sys.path``."""
    sys.path.extend(request["sys_path_append"])
    if sys.version_info[0] == 2:
        sys.path.extend(request.get("python2_path_append", []))


def import_entry(request, source):
    # type: (Dict[str, Any], bytes) -> Any
    """Import ``source`` as the module ``request["module"]`` and give its entry point (raises
    what the import raises)."""
    return execute_script(request, compile_script(request, source))


def compile_script(request, source):
    # type: (Dict[str, Any], bytes) -> Any
    """The script's code object (raises SyntaxError as the import would)."""
    return compile(source, request["script"], "exec", 0, True)


def execute_script(request, code):
    # type: (Dict[str, Any], Any) -> Any
    """Run the script's ``code`` in a new module ``request["module"]`` (replacing the last one
    in ``sys.modules``) and give its entry point (raises what the import raises)."""
    name = request["module"]
    module = types.ModuleType(name)
    module.__file__ = request["copy"]
    sys.modules[name] = module
    exec(code, module.__dict__)
    return getattr(module, ENTRY_POINT)


def call_entry(entry, frames, ports, work):
    # type: (Any, List[Any], List[Optional[int]], str) -> Dict[str, Any]
    """Call ``entry`` in ``work`` with the frames of ``ports`` (1-based, None: no argument):
    ``{"value": what it returned}`` or ``{"error": the exception's facts}``."""
    arguments = [None if port is None else frames[port - 1] for port in ports]
    os.chdir(work)
    try:
        return {"value": entry(*arguments)}
    except BaseException as exc:
        return {"error": exception_facts(exc)}


def described(called, result):
    # type: (Dict[str, Any], str) -> Dict[str, Any]
    """The outcome of :func:`call_entry` as ``result.json`` holds it: a returned value described
    (its tables written under ``result``), or the exception's facts as they are."""
    if "value" not in called:
        return called
    return {"value": describe(called["value"], result)}


def _native(value):
    # type: (Any) -> Any
    """Paths and names as this Python's ``str`` (module names and ``compile`` need it on 2.7)."""
    if isinstance(value, list):
        return [_native(item) for item in value]
    return native_text(value)


def parameter_facts(function):
    # type: (Any) -> Optional[Dict[str, Any]]
    """The parameters of ``function`` by kind, or None when they cannot be read."""
    try:
        signature = inspect.signature  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # Python 2: no keyword-only parameters
        return _argspec_facts(function)
    try:
        parameters = list(signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    kinds = inspect.Parameter
    positional = [
        p for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
    ]
    keyword_only = [p for p in parameters if p.kind == kinds.KEYWORD_ONLY]
    return {
        "positional": len(positional),
        "required_positional": sum(p.default is kinds.empty for p in positional),
        "var_positional": any(p.kind == kinds.VAR_POSITIONAL for p in parameters),
        "var_keyword": any(p.kind == kinds.VAR_KEYWORD for p in parameters),
        "keyword_only": len(keyword_only),
        "required_keyword_only": sum(p.default is kinds.empty for p in keyword_only),
    }


def _argspec_facts(function):
    # type: (Any) -> Optional[Dict[str, Any]]
    try:
        spec = inspect.getargspec(function)  # type: ignore[attr-defined,unused-ignore]
    except TypeError:
        return None
    return {
        "positional": len(spec.args),
        "required_positional": len(spec.args) - len(spec.defaults or ()),
        "var_positional": spec.varargs is not None,
        "var_keyword": spec.keywords is not None,
        "keyword_only": 0,
        "required_keyword_only": 0,
    }


def exception_facts(exc):
    # type: (BaseException) -> Dict[str, Any]
    """What the host needs to build error 0085: class, text, frames, a syntax error's place."""
    frames = [
        [text_of(path), line or 0, text_of(function), text_of(source or "")]
        for path, line, function, source in traceback.extract_tb(sys.exc_info()[2])
    ]
    facts = {
        "exception": type(exc).__name__,
        "text": text_of(exc),
        "frames": frames,
        "only": [text_of(line) for line in traceback.format_exception_only(type(exc), exc)],
        "memory": isinstance(exc, MemoryError),
        "syntax": None,
    }  # type: Dict[str, Any]
    if isinstance(exc, SyntaxError) and exc.filename:
        facts["syntax"] = [text_of(exc.filename), exc.lineno]
    return facts


def arm_stack_dump(path):
    # type: (str) -> None
    """On the host's signal (a timeout), write the running stack where the host reads it (a
    process that serves several calls arms it for each: the last call's file replaces the
    one before)."""
    stream = open(path, "a")
    earlier = list(_stack_file)
    _stack_file[:] = [stream]
    try:
        import faulthandler

        faulthandler.enable(file=stream, all_threads=False)
        faulthandler.register(STACK_DUMP_SIGNAL, file=stream, all_threads=False)
    except ImportError:  # Python 2: a handler that writes faulthandler's layout, newest first
        signal.signal(STACK_DUMP_SIGNAL, _write_stack)
    for replaced in earlier:  # closed once nothing writes to it any more
        replaced.close()


def _write_stack(signum, frame):
    # type: (int, Any) -> None
    stream = _stack_file[0]
    stream.write("Stack (most recent call first):\n")
    for path, line, function, _source in reversed(traceback.extract_stack(frame)):
        stream.write('  File "%s", line %d in %s\n' % (path, line, function))
    stream.flush()


def _listen_and_wait(options, channel):
    # type: (Dict[str, Any], Channel) -> None
    """Start the twin's debugpy on loopback, say where it listens, wait for the editor."""
    import debugpy  # the twin's own release for its Python

    address = debugpy.listen((options["host"], options["port"]))
    host, port = address if address else (options["host"], options["port"])
    channel.send("debug_listening", host=host, port=port)
    if options.get("wait_for_client", True):
        debugpy.wait_for_client()


def _end_debug_session():
    # type: () -> None
    """Let debugpy tell the editor the session ended (the process exits without exit handlers)."""
    stop = getattr(sys.modules.get("pydevd"), "stoptrace", None)
    if callable(stop):
        stop()
