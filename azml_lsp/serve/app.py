"""The ASGI application: ``POST /score``, ``GET /health``, ``GET /openapi.json``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from azml_lsp.runtime.model import RunError
from azml_lsp.serve.config import (
    WATCHDOG_GRACE_S,
    ServeConfig,
    uses_script_hosts,
    with_environment,
)
from azml_lsp.serve.errors import json_bytes, refused, request_error, run_error
from azml_lsp.serve.host_main import Answer
from azml_lsp.serve.hosts import HostProcess
from azml_lsp.serve.openapi import HEALTH_PATH, OPENAPI_PATH, SCORE_PATH, openapi_document
from azml_lsp.serve.pool import PoolClosed, WorkerPool
from azml_lsp.serve.scoring import score, warm_up
from azml_lsp.serve.security import bearer_matches
from azml_lsp.serve.shapes import RequestError, parse_checked, render_outputs

LOG = logging.getLogger("azml_lsp.serve")
#: The header naming a request in the answer and in the log lines of its script's output.
REQUEST_ID_HEADER = "x-request-id"


class ServiceState:
    """What the handlers share: the configuration, the pool and the in-flight count."""

    def __init__(self, config: ServeConfig) -> None:
        config = with_environment(config)
        self.config = config
        self.hosted = uses_script_hosts(config)
        self.pool: WorkerPool[Any] = (
            WorkerPool(config.workers, lambda: HostProcess(config))
            if self.hosted
            else self._runtime_pool(config)
        )
        self.in_flight = 0
        self.document = openapi_document(config)

    @staticmethod
    def _runtime_pool(config: ServeConfig) -> WorkerPool[Any]:
        """Warm workers of the runtime, for requests in another interpreter (a twin)."""
        from azml_lsp.runtime.processes.worker import WarmWorker

        return WorkerPool(config.workers, lambda: WarmWorker(config.python))

    @staticmethod
    def score_job(body: bytes, request_id: str) -> Callable[[HostProcess, threading.Event], Answer]:
        return lambda host, cancel: host.score(body, cancel, request_id)

    def warm_up_job(self) -> Callable[[Any], RunError | None]:
        if self.hosted:
            return lambda host: host.warm_up()
        return lambda worker: warm_up(worker, self.config)


def _error(status: int, code: str, message: str, target: str, **headers: str) -> JSONResponse:
    status, body = request_error(status, code, message, target)
    return JSONResponse(body, status_code=status, headers=headers or None)


def _unauthorized(state: ServiceState, request: Request) -> JSONResponse | None:
    key = state.config.api_key
    if key is None or bearer_matches(request.headers.get("authorization"), key):
        return None
    return _error(
        401,
        "Unauthorized",
        "send the API key as 'Authorization: Bearer <key>'",
        "Authorization",
        **{"WWW-Authenticate": "Bearer"},
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RequestError("Content-Length is not a number", "Content-Length")
        if int(declared) > limit:
            raise RequestError(f"the body is larger than {limit} bytes", "body", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(f"the body is larger than {limit} bytes", "body", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def _disconnected(request: Request) -> None:
    """Return when the caller closes the connection (the body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def request_id_of(request: Request) -> str:
    """The caller's ``x-request-id`` when it is a plain token, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if 0 < len(given) <= 64 and all(c.isalnum() or c in "-_." for c in given):
        return given
    return uuid.uuid4().hex[:16]


async def _score(state: ServiceState, request: Request) -> Response:
    config = state.config
    request_id = request_id_of(request)
    headers = {REQUEST_ID_HEADER: request_id}
    try:
        body = await _read_body(request, config.max_body_bytes)
        job = state.score_job(body, request_id) if state.hosted else await _runtime_job(state, body)
    except RequestError as exc:
        status, refusal = refused(exc)
        return JSONResponse(refusal, status_code=status, headers=headers)
    run = asyncio.ensure_future(state.pool.call(job, config.timeout_s + 2 * WATCHDOG_GRACE_S))
    gone = asyncio.ensure_future(_disconnected(request))
    await asyncio.wait({run, gone}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if not run.done():
        run.cancel()  # the caller left: stop the run and free its worker
        return Response(status_code=499)
    status, answer = run.result()
    return Response(answer, status_code=status, media_type="application/json", headers=headers)


async def _runtime_job(
    state: ServiceState, body: bytes
) -> Callable[[Any, threading.Event], Answer]:
    """The job for a runtime worker (another interpreter): the server parses and renders."""
    parsed = await run_in_threadpool(parse_checked, body, state.config.schemas)

    def job(worker: Any, cancel: threading.Event) -> Answer:
        outcome = score(worker, state.config, parsed.frames, cancel)
        if outcome.error is not None:
            status, error_json = run_error(outcome.error)
            return status, json_bytes(error_json)
        return 200, json_bytes(render_outputs(parsed.shape, outcome.outputs))

    return job


def create_app(config: ServeConfig) -> Starlette:
    """The service for ``config``; the worker pool starts and stops with the app's lifespan."""
    state = ServiceState(config)

    async def score_endpoint(request: Request) -> Response:
        if denied := _unauthorized(state, request):
            return denied
        if not state.pool.ready:
            return _error(
                503,
                "ServiceUnavailable",
                "the service is starting",
                "service",
                **{"Retry-After": "1"},
            )
        if state.in_flight >= config.max_concurrent:
            return _error(
                429,
                "TooManyRequests",
                f"more than {config.max_concurrent} requests in flight; retry shortly",
                "service",
                **{"Retry-After": "1"},
            )
        state.in_flight += 1
        try:
            return await _score(state, request)
        except PoolClosed:
            return _error(503, "ServiceUnavailable", "the service is stopping", "service")
        finally:
            state.in_flight -= 1

    async def health(request: Request) -> Response:
        ready = state.pool.ready
        body: dict[str, Any] = {
            "status": "ok" if ready else "starting",
            "workers": state.pool.size,
            "busy": state.pool.busy,
            "in_flight": state.in_flight,
            "environment": state.config.environment,
            "isolation": state.config.isolation,
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    async def openapi(request: Request) -> Response:
        if denied := _unauthorized(state, request):
            return denied
        return JSONResponse(state.document)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        LOG.info("requests run in %s", state.config.environment)
        if state.config.environment_note:
            LOG.info("%s", state.config.environment_note)
        errors = await state.pool.start(state.warm_up_job())
        for error in filter(None, errors):
            LOG.warning("a worker failed its warm-up run: %s", error.message)
        try:
            yield
        finally:
            await state.pool.close()

    async def internal_error(request: Request, exc: Exception) -> Response:
        LOG.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, "InternalError", "the service failed; see its log", "service")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = "NotFound" if exc.status_code == 404 else "BadRequest"
        return _error(exc.status_code, code, str(exc.detail), "path", **(exc.headers or {}))

    return Starlette(
        exception_handlers={HTTPException: http_error, Exception: internal_error},
        routes=[
            Route(SCORE_PATH, score_endpoint, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
            Route(OPENAPI_PATH, openapi, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
