"""The OpenAPI 3 document of a served script: both JSON shapes, every error answer."""

from __future__ import annotations

from typing import Any

from azml_lsp import __version__
from azml_lsp.serve.config import ServeConfig
from azml_lsp.serve.schema import KIND_JSON_SCHEMA, TableSchema
from azml_lsp.serve.shapes import INPUT_NAMES

SCORE_PATH = "/score"
HEALTH_PATH = "/health"
OPENAPI_PATH = "/openapi.json"

ANY_CELL: dict[str, Any] = {
    "nullable": True,
    "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
}

ERROR_STATUSES = {
    "400": "The request or the script failed; error 0085 carries the script's line.",
    "401": "Missing or wrong API key.",
    "413": "The body is larger than the service accepts.",
    "429": "Too many requests in flight; retry after the Retry-After seconds.",
    "500": "The script's process died or ran out of memory.",
    "503": "The service is starting or stopping.",
    "504": "The script did not finish within the request timeout.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _record(schema: TableSchema | None) -> dict[str, Any]:
    if schema is None:
        return {"type": "object", "additionalProperties": ANY_CELL}
    return {
        "type": "object",
        "properties": {name: KIND_JSON_SCHEMA[kind] for name, kind in schema.columns},
        "required": schema.names,
        "additionalProperties": False,
    }


def _table(schema: TableSchema | None) -> dict[str, Any]:
    names: dict[str, Any] = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    row: dict[str, Any] = {"type": "array", "items": ANY_CELL}
    if schema is not None:
        count = len(schema.names)
        names["items"] = {"type": "string", "enum": schema.names}
        names.update(minItems=count, maxItems=count)
        row.update(minItems=count, maxItems=count)
    return {
        "type": "object",
        "properties": {"ColumnNames": names, "Values": {"type": "array", "items": row}},
        "required": ["ColumnNames", "Values"],
    }


def _request(config: ServeConfig, shape: str) -> dict[str, Any]:
    inputs = {
        name: (
            {"type": "array", "items": _record(config.schemas.get(name))}
            if shape == "records"
            else _table(config.schemas.get(name))
        )
        for name in INPUT_NAMES
    }
    return {
        "type": "object",
        "properties": {
            "Inputs": {
                "type": "object",
                "properties": inputs,
                "additionalProperties": False,
                "required": [n for n in INPUT_NAMES if n in config.schemas],
            },
            "GlobalParameters": {"type": "object"},
        },
        "required": ["Inputs"],
    }


def _schemas(config: ServeConfig) -> dict[str, Any]:
    output_table = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["table"]},
            "value": {
                "type": "object",
                "properties": {
                    "ColumnNames": {"type": "array", "items": {"type": "string"}},
                    "ColumnTypes": {"type": "array", "items": {"type": "string"}},
                    "Values": {"type": "array", "items": {"type": "array", "items": {}}},
                },
                "required": ["ColumnNames", "ColumnTypes", "Values"],
            },
        },
        "required": ["type", "value"],
    }
    output_records = {"type": "array", "items": {"type": "object"}}
    return {
        "TableRequest": _request(config, "table"),
        "RecordsRequest": _request(config, "records"),
        "TableResponse": _results(output_table),
        "RecordsResponse": _results(output_records),
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["code", "message", "details"],
                }
            },
            "required": ["error"],
        },
        "Health": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["ok", "starting"]},
                "workers": {"type": "integer"},
                "busy": {"type": "integer"},
                "in_flight": {"type": "integer"},
                "environment": {
                    "type": "string",
                    "description": "Where requests run: a cloud twin's summary or local.",
                },
            },
            "required": ["status"],
        },
    }


def _results(output: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "Results": {
                "type": "object",
                "properties": {"output1": output, "output2": output},
            }
        },
        "required": ["Results"],
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def openapi_document(config: ServeConfig) -> dict[str, Any]:
    """The document served at ``/openapi.json``."""
    errors = {
        status: {"description": text, "content": _json(_ref("Error"))}
        for status, text in ERROR_STATUSES.items()
    }
    security: list[dict[str, list[str]]] = [{"bearer": []}] if config.api_key else []
    score = {
        "post": {
            "summary": f"Run {config.script.name} on the request's tables",
            "description": (
                "input1/input2 feed Dataset1/Dataset2; output1/output2 are result ports 1 and 2. "
                "The answer uses the request's shape."
            ),
            "operationId": "score",
            "security": security,
            "requestBody": {
                "required": True,
                "content": _json({"oneOf": [_ref("TableRequest"), _ref("RecordsRequest")]}),
            },
            "responses": {
                "200": {
                    "description": "The script's result tables.",
                    "content": _json({"oneOf": [_ref("TableResponse"), _ref("RecordsResponse")]}),
                },
                **errors,
            },
        }
    }
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": f"azml serve: {config.script.name}", "version": __version__},
        "paths": {
            SCORE_PATH: score,
            HEALTH_PATH: {
                "get": {
                    "summary": "Readiness of the worker pool",
                    "operationId": "health",
                    "security": [],
                    "responses": {
                        "200": {"description": "Ready.", "content": _json(_ref("Health"))},
                        "503": {"description": "Starting.", "content": _json(_ref("Health"))},
                    },
                }
            },
        },
        "components": {"schemas": _schemas(config)},
    }
    if config.api_key:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return document
