"""The azml language server: thin LSP handlers over jedi, the checker and the runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from jedi.api.classes import Completion
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from azml_lsp import __version__
from azml_lsp.checker.frame_flow import PandasClass
from azml_lsp.contract.twins import LOCAL
from azml_lsp.runtime.model import RunError, RunRequest, RunResult
from azml_lsp.server import (
    actions,
    diagnostics,
    jedi_features,
    lens,
    member_features,
    migration,
)
from azml_lsp.server.config import ConfigError, ServerConfig
from azml_lsp.server.freed_memory import FreedMemory, trim_after_warm_up
from azml_lsp.server.jedi_features import ScriptView
from azml_lsp.server.jedi_project import (
    bundle_sys_path,
    environment_for,
    isolated_environment,
    project_for,
    twin_project_for,
)
from azml_lsp.server.jedi_service import WARM_UP_SOURCE, JediService
from azml_lsp.server.jedi_source import forget_virtual_sources
from azml_lsp.server.member_cache import MemberCache, MemberSource, local_source, twin_source
from azml_lsp.server.parse_cache import forget_parsed
from azml_lsp.server.positions import PositionMapper
from azml_lsp.server.protocol import WORK_DONE_TOKEN, AzmlProtocol
from azml_lsp.server.runs import (
    CommandError,
    RunArguments,
    build_request,
    map_copy_back,
    progress_message,
    script_to_run,
)
from azml_lsp.server.script_context import ScriptContext, path_of, script_context
from azml_lsp.server.target_members import target_of

if TYPE_CHECKING:
    from azml_lsp.runtime.processes.worker import WarmWorker

T = TypeVar("T")
FAST_CHECK_BUDGET_S = 0.08
"""How long the full check may take before the syntax-only findings are published first."""
QUIET_S = 0.25
"""A check waits until no completion, hover or signature help of its document was asked for
this long: while the user is being answered, the checker's inference keeps off the CPU."""
logger = logging.getLogger(__name__)


class AzmlLanguageServer(LanguageServer):
    """State shared by the handlers: settings, jedi, the warm run worker, diagnostics, runs."""

    def __init__(self) -> None:
        super().__init__("azml-lsp", __version__, protocol_cls=AzmlProtocol, max_workers=4)
        self.config = ServerConfig()
        self.jedi = JediService()
        self.checked: dict[str, diagnostics.CheckedVersion] = {}
        self.run_failures: dict[str, types.Diagnostic] = {}
        self._pending_checks: dict[str, asyncio.Task[None]] = {}
        self._asked: dict[str, float] = {}
        self._last_asked = 0.0
        self._cancels: dict[Any, threading.Event] = {}
        self._worker: WarmWorker | None = None
        self._worker_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.freed = FreedMemory()
        self.members = MemberCache()
        self.member_sources: dict[str, MemberSource] = {}

    # documents and contexts -------------------------------------------------

    def document(self, uri: str) -> TextDocument:
        return self.workspace.get_text_document(uri)

    def open_document(self, uri: str) -> TextDocument | None:
        """The open document ``uri`` names, None when it is not open. The workspace keys its
        documents by the decoded URI, so ``file:///a%20b.py`` and ``file:///a b.py`` are one."""
        return self.workspace.text_documents.get(unquote(uri))

    def context_of(self, document: TextDocument) -> ScriptContext:
        return script_context(document.uri, document.source, self.config)

    def mapper_of(self, source: str) -> PositionMapper:
        return PositionMapper.of(source, str(self.workspace.position_encoding or "utf-16"))

    def view_of(self, uri: str) -> ScriptView:
        """A jedi view of the document's current text with the script's bundle on the path."""
        document = self.document(uri)
        context = self.context_of(document)
        encoding = str(self.workspace.position_encoding or "utf-16")
        python = context.settings.python or self.config.python
        folders = tuple(p for p in (bundle_sys_path(context.bundle), context.folder) if p)
        members = self.member_source(context.env, python)
        root = self.root_folder(context)
        site = members.readable_site if members is not None else None
        if site is not None:  # a cloud twin's packages, read as source
            project, environment = (
                twin_project_for(root, context.bundle, site),
                isolated_environment(),
            )
        else:
            project, environment = project_for(root, context.bundle), environment_for(python)
        return ScriptView(
            document.source,
            context.path,
            project,
            context.dialect,
            encoding,
            environment,
            folders,
            members,
            target_of(members, context.env, context.dialect, context.target_python),
        )

    def member_source(self, env: str | None, python: str | None) -> MemberSource | None:
        """Whose pandas members are served from the cache: the twin ``env`` names, else this
        server's Python; None for another interpreter (jedi reads that one)."""
        if env is not None and env != LOCAL:
            source = twin_source(env)
        elif python:
            source = None
        else:
            source = local_source()
        if source is not None:
            self.member_sources.setdefault(source.key, source)
        return source

    def root_folder(self, context: ScriptContext) -> str:
        root = self.workspace.root_path
        if root and context.path and Path(context.path).is_relative_to(root):
            return str(root)
        return context.folder

    def writable_roots(self, context: ScriptContext) -> list[Path]:
        roots = [Path(self.root_folder(context))]
        if context.bundle and Path(context.bundle).is_dir():
            roots.append(Path(context.bundle))
        return roots

    async def on_view(self, uri: str, default: T, function: Callable[..., T], *args: Any) -> T:
        """``function(view, *args)`` in a jedi thread, the view of the document built there too
        (reading settings and materialising a zip bundle stay off the event loop)."""
        return await self.jedi_call(default, self._with_view, uri, function, *args)

    async def on_syntax(self, uri: str, default: T, function: Callable[..., T], *args: Any) -> T:
        """``function(view, *args)`` for a feature read from the syntax tree alone: in the
        server's pool, beside jedi's thread, so a long document's answer never waits for
        inference (nor inference for it). Failures give the empty answer, logged."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.thread_pool, self._with_view, uri, function, *args
            )
        except Exception:
            logger.exception("%s failed on %s", getattr(function, "__name__", function), uri)
            return default

    def member_view(
        self, uri: str, answer: Callable[..., T], position: types.Position
    ) -> tuple[ScriptView, T | None]:
        """The document's view and ``answer(cache, view, position)`` from the member cache
        (None: not on a member of a known class, jedi answers)."""
        view = self.view_of(uri)
        try:
            return view, answer(self.members, view, position)
        except Exception:
            logger.exception("the member cache failed in %s", uri)
            return view, None

    def warm_members_of(self, uri: str) -> None:
        """Read the pandas members of a document's environment (a twin's) in advance."""
        with contextlib.suppress(Exception):  # only saves time; a request reports failures
            source = self.view_of(uri).members
            if source is not None:
                self.members.members(source, PandasClass.DATAFRAME)

    def warm_members(self) -> None:
        """Read this server's pandas members (from disk, else by introspection) in advance."""
        source = self.member_source(self.config.env, self.config.python)
        if source is not None:
            self.members.members(source, PandasClass.DATAFRAME)

    def _with_view(self, uri: str, function: Callable[..., T], *args: Any) -> T:
        return function(self.view_of(uri), *args)

    async def jedi_call(self, default: T, function: Callable[..., T], *args: Any) -> T:
        """A jedi feature off the event loop; jedi's failures give the empty answer, logged."""
        try:
            return await self.jedi.call(function, *args)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("jedi failed in %s", getattr(function, "__name__", function))
            return default

    # diagnostics --------------------------------------------------------------

    def schedule_check(self, uri: str, delay: float | None = None) -> None:
        """Check the document after a short pause; a newer change replaces a pending check."""
        pending = self._pending_checks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        wait = self.config.diagnostics_delay if delay is None else delay
        task = asyncio.get_running_loop().create_task(self._check(uri, wait))
        self._pending_checks[uri] = task
        task.add_done_callback(lambda done: self._forget_check(uri, done))

    def asked(self, uri: str) -> None:
        """Note an interactive request on a document (its check waits for a quiet moment)."""
        self._asked[uri] = self._last_asked = time.monotonic()

    async def _quiet(self, uri: str) -> None:
        while (left := self._asked.get(uri, 0.0) + QUIET_S - time.monotonic()) > 0:
            await asyncio.sleep(left)

    def _forget_check(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._pending_checks.get(uri) is task:
            del self._pending_checks[uri]

    def forget(self, uri: str) -> None:
        """Drop what is kept for a closed document; a check on its way is cancelled."""
        pending = self._pending_checks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.checked.pop(uri, None)
        self._asked.pop(uri, None)
        self.run_failures.pop(uri, None)
        path = path_of(uri)
        if path is not None:
            forget_parsed(path)
        forget_virtual_sources()
        self.freed.give_back_soon(self.jedi.call)

    async def _check(self, uri: str, delay: float) -> None:
        """Publish the full check; when it is slow, publish the syntax-only rules first."""
        await asyncio.sleep(delay)
        await self._quiet(uri)
        document = self.open_document(uri)
        if document is None:
            return
        version, source = document.version, document.source
        context = self.context_of(document)
        full = self._checking(source, context, self.jedi.is_warm)
        try:
            done, _ = await asyncio.wait({full}, timeout=FAST_CHECK_BUDGET_S)
            if not done:
                self._publish_if_current(
                    uri, version, context, await self._checking(source, context, False)
                )
            self._publish_if_current(uri, version, context, await full)
        finally:
            full.cancel()  # replaced by a newer check: its jedi work is dropped if still queued

    def _checking(
        self, source: str, context: ScriptContext, use_jedi: bool
    ) -> asyncio.Future[list[Any]]:
        check = diagnostics.check_or_nothing
        if not use_jedi:
            loop = asyncio.get_running_loop()
            return loop.run_in_executor(self.thread_pool, check, source, context, False)
        return asyncio.ensure_future(self.jedi.call_in_background(check, source, context, True))

    def _publish_if_current(
        self, uri: str, version: int | None, context: ScriptContext, findings: list[Any]
    ) -> None:
        current = self.open_document(uri)
        if current is None or current.version != version:
            return  # a newer version is on its way: never publish stale findings
        self.checked[uri] = diagnostics.CheckedVersion(version, findings)
        self.publish(uri, context)

    def warm_up_checks(self) -> None:
        """Warm the checker's inference too, then check open scripts with it (until jedi is
        warm, checks use the syntax-only rules, so they never compete with the warm-up)."""
        diagnostics.warm_up(WARM_UP_SOURCE)
        self.loop_call(self.recheck_all)

    def wait_quiet(self) -> None:
        """Block (in a thread of its own) until no interactive request has come for a moment."""
        while (left := self._last_asked + QUIET_S - time.monotonic()) > 0:
            time.sleep(left)

    def recheck_all(self) -> None:
        for document in list(self.workspace.text_documents.values()):
            self.schedule_check(document.uri, delay=0)  # the URI as the client wrote it

    def publish(self, uri: str, context: ScriptContext | None = None) -> None:
        document = self.open_document(uri)
        if document is None:
            return
        mapper = self.mapper_of(document.source)
        context = context or self.context_of(document)
        checked = self.checked.get(uri)
        items = [diagnostics.finding_to_lsp(f, mapper) for f in checked.findings] if checked else []
        settings_problem = diagnostics.settings_error_to_lsp(context, mapper)
        if settings_problem is not None:
            items.insert(0, settings_problem)
        if uri in self.run_failures:
            items.append(self.run_failures[uri])
        version = checked.version if checked else document.version  # what the findings are of
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )

    async def findings_for(self, document: TextDocument) -> list[Any]:
        """The checker's findings of the document's current version (cached per version)."""
        checked = self.checked.get(document.uri)
        if checked is not None and checked.version == document.version:
            return checked.findings
        context = self.context_of(document)
        findings = await self._checking(document.source, context, self.jedi.is_warm)
        self.checked[document.uri] = diagnostics.CheckedVersion(document.version, findings)
        return findings

    # runs -----------------------------------------------------------------------

    def worker(self) -> WarmWorker:
        """The warm run worker: started by the first Run (or after initialize with
        ``prestartWorker``), so memory goes to it only once the user runs scripts."""
        with self._worker_lock:
            if self._worker is None or self._worker.python != (
                self.config.python or self._worker.python
            ):
                from azml_lsp.runtime.processes.worker import WarmWorker

                if self._worker is not None:
                    self._worker.close()
                self._worker = WarmWorker(self.config.python)
                self._worker.start()
            return self._worker

    def cancel_request(self, msg_id: Any) -> None:
        event = self._cancels.get(msg_id)
        if event is not None:
            event.set()

    def cancel_token(self, token: types.ProgressToken) -> None:
        event = self._cancels.get(("token", token))
        if event is not None:
            event.set()

    def close(self) -> None:
        self.jedi.shutdown()
        with self._worker_lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    async def start_progress(self, title: str) -> types.ProgressToken | None:
        """The client's work-done token, or a new one when the client supports progress."""
        token = WORK_DONE_TOKEN.get()
        if token is None:
            window = self.client_capabilities.window
            if not (window and window.work_done_progress):
                return None
            token = f"azml-{uuid.uuid4()}"
            try:
                await self.work_done_progress.create_async(token)
            except Exception:
                return None
        self.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=title, cancellable=True)
        )
        return token

    async def execute_run(self, command: str, arguments: Any, debug: bool) -> dict[str, Any]:
        """``azml.run`` and ``azml.debug``: run the script through the warm worker."""
        from azml_lsp.runtime import DebugOptions

        parsed = RunArguments.parse(command, arguments)
        source = self.source_of(command, parsed.uri)
        path = path_of(parsed.uri)
        assert path is not None
        context = script_context(parsed.uri, source, self.config)
        loop = asyncio.get_running_loop()
        script = await loop.run_in_executor(self.thread_pool, script_to_run, path, source)
        root = self.root_folder(context)
        request = build_request(
            parsed, context, self.config, script, root, DebugOptions() if debug else None
        )
        cancel = threading.Event()
        keys: list[Any] = [self.protocol.msg_id]
        token = await self.start_progress(f"azml: {'debug' if debug else 'run'} {Path(path).name}")
        if token is not None:
            keys.append(("token", token))
        for key in keys:
            self._cancels[key] = cancel
        listening: asyncio.Future[dict[str, Any]] = loop.create_future()

        def on_event(event: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(self._on_run_event, event, token, listening)

        def finished(result: Any) -> None:
            for key in keys:
                self._cancels.pop(key, None)
            self._on_run_finished(
                parsed.uri, debug, map_copy_back(result, script, path), token, listening
            )

        self._loop = loop
        run = loop.run_in_executor(None, self.worker_run, request, on_event, cancel)
        run.add_done_callback(lambda f: finished(f.result()))
        if debug:
            return await listening
        result = await asyncio.shield(run)
        return map_copy_back(result, script, path).to_json()

    def source_of(self, command: str, uri: str) -> str:
        """The editor's text of a script, or the file's when it is not open."""
        document = self.open_document(uri)
        if document is not None:
            return document.source
        path = path_of(uri)
        if path is None:
            raise CommandError(f"{command}: {uri!r} is neither open nor a file: URI")
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{command}: cannot read {path}: {exc}") from None

    def worker_run(
        self,
        request: RunRequest,
        on_event: Callable[[dict[str, Any]], None],
        cancel: threading.Event,
    ) -> RunResult:
        """Run on the warm worker; a failure of the worker itself becomes an ``internal`` error."""
        try:
            return self.worker().run(request, on_event, cancel)
        except Exception as exc:
            logger.exception("the run worker failed")
            message = f"the run could not start: {type(exc).__name__}: {exc}"
            error = RunError(code=0, message=message, kind="internal", detail=message)
            return RunResult(ok=False, dialect=request.dialect, script=request.script, error=error)

    def _on_run_event(
        self,
        event: dict[str, Any],
        token: types.ProgressToken | None,
        listening: asyncio.Future[dict[str, Any]],
    ) -> None:
        if event.get("event") == "debug_listening" and not listening.done():
            listening.set_result({"host": event.get("host"), "port": event.get("port")})
        message = progress_message(event)
        if token is not None and message is not None:
            text, percentage = message
            self.work_done_progress.report(
                token, types.WorkDoneProgressReport(message=text, percentage=percentage)
            )

    def _on_run_finished(
        self,
        uri: str,
        debug: bool,
        result: Any,
        token: types.ProgressToken | None,
        listening: asyncio.Future[dict[str, Any]],
    ) -> None:
        def publish() -> None:
            document = self.open_document(uri)
            mapper = self.mapper_of(document.source if document else "")
            failure = diagnostics.run_failure_to_lsp(result, path_of(uri), mapper)
            if failure is None:
                self.run_failures.pop(uri, None)
            else:
                self.run_failures[uri] = failure
            self.publish(uri)
            if token is not None:
                summary = (
                    "finished"
                    if result.ok
                    else f"failed: {result.error.kind if result.error else ''}"
                )
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=summary))
            if debug and not listening.done():
                error = (
                    result.error.detail or result.error.message if result.error else "the run ended"
                )
                listening.set_exception(
                    CommandError(f"the debug run ended before a debugger could attach: {error}")
                )

        self.loop_call(publish)

    def loop_call(self, function: Callable[[], None]) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(function)


server = AzmlLanguageServer()


def _uri(params: Any) -> str:
    return str(params.text_document.uri)


@server.feature(types.INITIALIZE)
async def initialize(ls: AzmlLanguageServer, params: types.InitializeParams) -> None:
    """Read the client's options, and import pandas before answering: jedi's inference imports
    it into this process anyway, and its compiled modules hold the interpreter for up to half a
    second, which must not fall between a user's keystrokes."""
    try:
        ls.config = ls.config.updated(params.initialization_options)
    except ConfigError as exc:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, str(exc)))
    try:
        await ls.jedi.import_module("pandas")
    except ImportError:
        logger.info("pandas is not installed beside the server: completions come from jedi alone")


@server.feature(types.INITIALIZED)
async def initialized(ls: AzmlLanguageServer, params: types.InitializedParams) -> None:
    ls._loop = asyncio.get_running_loop()
    root = ls.workspace.root_path or str(Path.cwd())
    ls.jedi.start_warm_up(
        root, then=(ls.warm_up_checks, trim_after_warm_up), wait_quiet=ls.wait_quiet
    )
    threading.Thread(target=ls.warm_members, name="azml-members", daemon=True).start()
    if ls.config.prestart_worker:
        threading.Thread(target=ls.worker, name="azml-worker-start", daemon=True).start()


@server.feature(types.SHUTDOWN)
def shutdown(ls: AzmlLanguageServer, params: None) -> None:
    ls.close()


@server.feature(types.EXIT)
def exit_now(ls: AzmlLanguageServer, params: None) -> None:
    """Exit at once: never wait for a jedi inference or a check still running in a thread."""
    ls.close()
    quit_process(0 if ls.protocol._shutdown else 1)


def quit_process(code: int) -> None:
    """End the process without joining worker threads (their work is of no use any more)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    ls: AzmlLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    try:
        ls.config = ls.config.updated(params.settings)
    except ConfigError as exc:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, str(exc)))
        return
    ls.recheck_all()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: AzmlLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls._loop = asyncio.get_running_loop()
    ls.schedule_check(_uri(params), delay=0)
    uri = _uri(params)
    threading.Thread(target=ls.warm_members_of, args=(uri,), daemon=True).start()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: AzmlLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = _uri(params)
    if ls.run_failures.pop(uri, None) is not None:
        ls.publish(uri)
    ls.schedule_check(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: AzmlLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule_check(_uri(params), delay=0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: AzmlLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = _uri(params)
    ls.forget(uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["."], resolve_provider=True),
)
async def completion(
    ls: AzmlLanguageServer, params: types.CompletionParams
) -> types.CompletionList:
    loop = asyncio.get_running_loop()
    uri = _uri(params)
    ls.asked(uri)
    try:
        view, items = await loop.run_in_executor(
            ls.thread_pool, ls.member_view, uri, member_features.completion, params.position
        )
    except Exception:
        logger.exception("cannot complete in %s", uri)
        return types.CompletionList(is_incomplete=False, items=[])
    if items is not None:
        return types.CompletionList(is_incomplete=False, items=items)
    nothing: list[Completion] = []
    found = await ls.jedi_call(nothing, jedi_features.completions, view, params.position)
    generation = ls.jedi.remember_completions(found)
    items = [jedi_features.completion_item(c, i, f"{generation}:{i}") for i, c in enumerate(found)]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.COMPLETION_ITEM_RESOLVE)
async def completion_resolve(
    ls: AzmlLanguageServer, item: types.CompletionItem
) -> types.CompletionItem:
    if member_features.is_member_data(item):
        loop = asyncio.get_running_loop()
        resolved = await loop.run_in_executor(
            ls.thread_pool, member_features.resolve, ls.members, ls.member_sources, item
        )
        return resolved or item
    found = ls.jedi.completion(str(item.data) if item.data is not None else "")
    if found is None:
        return item
    return await ls.jedi_call(item, jedi_features.resolve_item, item, found)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: AzmlLanguageServer, params: types.HoverParams) -> types.Hover | None:
    uri = _uri(params)
    ls.asked(uri)
    view, found = await asyncio.get_running_loop().run_in_executor(
        ls.thread_pool, ls.member_view, uri, member_features.hover, params.position
    )
    if found is not None:
        return found
    return await ls.jedi_call(None, jedi_features.hover, view, params.position)


@server.feature(
    types.TEXT_DOCUMENT_SIGNATURE_HELP,
    types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[","]),
)
async def signature_help(
    ls: AzmlLanguageServer, params: types.SignatureHelpParams
) -> types.SignatureHelp | None:
    uri = _uri(params)
    ls.asked(uri)
    view, found = await asyncio.get_running_loop().run_in_executor(
        ls.thread_pool, ls.member_view, uri, member_features.signature_help, params.position
    )
    if found is not None:
        return found
    return await ls.jedi_call(None, jedi_features.signature_help, view, params.position)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(
    ls: AzmlLanguageServer, params: types.DefinitionParams
) -> list[types.Location]:
    uri = _uri(params)
    return await ls.on_view(uri, [], jedi_features.definition, params.position, uri)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: AzmlLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    uri = _uri(params)
    include = params.context.include_declaration
    return await ls.on_view(uri, [], jedi_features.references, params.position, uri, include)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
async def highlight(
    ls: AzmlLanguageServer, params: types.DocumentHighlightParams
) -> list[types.DocumentHighlight]:
    return await ls.on_view(_uri(params), [], jedi_features.highlights, params.position)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbols(
    ls: AzmlLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol]:
    return await ls.on_syntax(_uri(params), [], jedi_features.symbols)


@server.feature(types.TEXT_DOCUMENT_RENAME)
async def rename(ls: AzmlLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    uri = _uri(params)
    if not params.new_name.isidentifier():
        raise JsonRpcInvalidParams(
            f"cannot rename to {params.new_name!r}: not a valid Python identifier"
        )
    roots = ls.writable_roots(ls.context_of(ls.document(uri)))
    return await ls.on_view(
        uri, None, jedi_features.rename, params.position, uri, params.new_name, roots
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
    ),
)
async def code_action(
    ls: AzmlLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    document = ls.document(_uri(params))
    try:
        findings = await ls.findings_for(document)
    except Exception:
        logger.exception("checker failed on %s", document.uri)
        return []
    mapper = ls.mapper_of(document.source)
    found = actions.code_actions(document.uri, document.version, findings, mapper, params.range)
    only = params.context.only
    if only is None or any(k.startswith(types.CodeActionKind.Refactor) for k in only):
        loop = asyncio.get_running_loop()
        args = (document.uri, document.version, document.source, ls.context_of(document), mapper)
        action = await loop.run_in_executor(ls.thread_pool, migration.migrate_action, *args)
        found += [action] if action is not None else []
    return found


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: AzmlLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    document = ls.document(_uri(params))
    context = ls.context_of(document)
    return lens.code_lenses(document.uri, document.source, context, ls.mapper_of(document.source))


@server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
def progress_cancel(ls: AzmlLanguageServer, params: types.WorkDoneProgressCancelParams) -> None:
    ls.cancel_token(params.token)


@contextlib.contextmanager
def _as_invalid_params() -> Iterator[None]:
    """A wrong command argument is the client's error: answer with InvalidParams and the reason."""
    try:
        yield
    except CommandError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None


@server.command(lens.RUN_COMMAND)
async def run_command(ls: AzmlLanguageServer, *arguments: Any) -> dict[str, Any]:
    with _as_invalid_params():
        return await ls.execute_run(lens.RUN_COMMAND, list(arguments), debug=False)


@server.command(lens.DEBUG_COMMAND)
async def debug_command(ls: AzmlLanguageServer, *arguments: Any) -> dict[str, Any]:
    with _as_invalid_params():
        return await ls.execute_run(lens.DEBUG_COMMAND, list(arguments), debug=True)


@server.command(lens.CHECK_COMMAND)
async def check_command(ls: AzmlLanguageServer, *arguments: Any) -> list[dict[str, object]]:
    with _as_invalid_params():
        if (
            len(arguments) != 1
            or not isinstance(arguments[0], dict)
            or not isinstance(arguments[0].get("uri"), str)
        ):
            raise CommandError(
                f'{lens.CHECK_COMMAND}: expected one argument {{"uri": ...}}, '
                f"got {list(arguments)!r}"
            )
        uri = arguments[0]["uri"]
        source = ls.source_of(lens.CHECK_COMMAND, uri)
    context = script_context(uri, source, ls.config)
    return await ls.jedi.call(diagnostics.check_json, source, context)


@server.command(migration.VERIFY_COMMAND)
async def migrate_verify_command(ls: AzmlLanguageServer, *arguments: Any) -> dict[str, Any]:
    """Verify the script's migration to the designer in a thread; the runs are child processes."""
    with _as_invalid_params():
        parsed = migration.parse_verify(list(arguments))
        source = ls.source_of(migration.VERIFY_COMMAND, parsed.uri)
        context = script_context(parsed.uri, source, ls.config)
        verify = (parsed, source, context, ls.config, ls.root_folder(context))
    await ls.jedi.import_module("pandas")  # the comparison reads the outputs with pandas
    return await asyncio.get_running_loop().run_in_executor(None, migration.verify_script, *verify)
