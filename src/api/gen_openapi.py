#!/usr/bin/env python3
"""Writes src/api/openapi.cpp: the operator API's OpenAPI 3 document as a C++ string.

Edit the document here, together with the route table in src/api/api_service.cpp, and rerun:
  /usr/bin/python3 src/api/gen_openapi.py && clang-format -i src/api/openapi.cpp
tests/integration/api/openapi_test.cpp checks the two agree.
"""
import json
import pathlib


def err():
    return {"$ref": "#/components/responses/Error"}


def op(summary, scope, ok_desc="OK", extra=None, body=None, params=None, ok="200"):
    o = {"summary": summary, "x-nzeza-scope": scope,
         "responses": {ok: {"description": ok_desc,
                            "content": {"application/json": {"schema": {"type": "object"}}}}}}
    if scope == "none":
        o["security"] = []
    else:
        o["responses"]["401"] = err()
        o["responses"]["403"] = err()
    o["responses"]["429"] = err()
    for k in extra or []:
        o["responses"][k] = err()
    if body:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        o["parameters"] = params
    return o


since = {"name": "since", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 0}, "description": "unix seconds; default 0"}
limit = {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
         "description": "rows; default and maximum 1000"}
metrics_op = op("Prometheus metrics (text exposition format 0.0.4): feeds, orders, fills, "
                "refusals, PnL, positions, actors' mailboxes, the journal", "read", extra=["503"])
metrics_op["responses"]["200"]["content"] = {
    "text/plain; version=0.0.4": {"schema": {"type": "string"}}}
doc = {
    "openapi": "3.0.3",
    "info": {"title": "nzeza operator API", "version": "1.0.0",
             "description": "The HTTP API of a running `nzeza run`. Errors are "
                            "{\"error\":{\"code\",\"message\"}} with the matching status. Money "
                            "is a decimal string. Keys: `nzeza keys add --scope read|trade|admin`."},
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/health": {"get": op("Liveness: the API answers", "none")},
        "/api/v1/ready": {"get": op("Readiness: each feed's and venue's state; 503 when not ready",
                                    "none", extra=["503"])},
        "/api/v1/openapi.json": {"get": op("This document", "none")},
        "/api/v1/status": {"get": op("Counters: signals, orders sent and refused, refusals by "
                                     "reason, kill switch, halts", "read", extra=["503"])},
        "/api/v1/prices": {"get": op("Reference price per symbol (fresh or not, venues in it) and "
                                     "each feed's age", "read", extra=["503"])},
        "/api/v1/signals": {"get": op("The last signal per symbol and warm-up progress", "read",
                                      extra=["503"])},
        "/api/v1/orders": {
            "get": op("Open orders (entries, closes, resting exits)", "read", extra=["503"]),
            "post": op("A manual order: an operator signal through sizing and the risk gate",
                       "trade", ok="202", ok_desc="Handed to execution", extra=["400", "404"],
                       body={"type": "object", "required": ["symbol", "side"],
                             "properties": {"symbol": {"type": "string", "example": "BTC-USD"},
                                            "side": {"type": "string", "enum": ["buy", "sell"]},
                                            "confidence": {"type": "number", "minimum": 0,
                                                           "maximum": 1, "default": 1}}})},
        "/api/v1/positions": {"get": op("Open positions with marks and PnL", "read",
                                        extra=["503"])},
        "/api/v1/portfolio": {"get": op("Cash, equity, realised and unrealised PnL, fees", "read",
                                        extra=["503"])},
        "/api/v1/trades": {"get": op("Trade history (fills) from the journal", "read",
                                     extra=["400"], params=[since, limit])},
        "/api/v1/audit": {"get": op("The audit log from the journal", "read", extra=["400"],
                                    params=[since, limit])},
        "/api/v1/reconciliations": {"get": op("The start-up reconciliation and the periodic "
                                              "reports (journal), newest first", "read",
                                              extra=["400"], params=[limit])},
        "/api/v1/config": {"get": op("The configuration, secrets redacted", "read")},
        "/api/v1/kill-switch": {
            "get": op("Whether the kill switch is engaged", "read", extra=["503"]),
            "post": op("Engage or release the kill switch: no new entries while engaged", "admin",
                       extra=["400"],
                       body={"type": "object", "required": ["engage"],
                             "properties": {"engage": {"type": "boolean"},
                                            "reason": {"type": "string"}}})},
        "/metrics": {"get": metrics_op},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "object", "required": ["code", "message"],
                      "properties": {"code": {"type": "string"},
                                     "message": {"type": "string"}}}}}},
        "responses": {"Error": {"description": "An error", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
    },
}

text = json.dumps(doc, separators=(",", ":"))
assert ')json"' not in text
chunks = [text[i:i + 1500] for i in range(0, len(text), 1500)]
out = """// Generated by src/api/gen_openapi.py: edit the document there, with the route table in
// api_service.cpp. The OpenAPI 3 document of the operator API; tests/integration/api checks that
// every route ApiService serves is documented and every documented operation is served.
#include "api/api_service.hpp"

namespace nzeza::api {

namespace {
constexpr std::string_view kDocument =
"""
out += "\n".join('    R"json(' + c + ')json"' for c in chunks) + ";\n}  // namespace\n\n"
out += ("std::string_view openapi_document() noexcept {\n  return kDocument;\n}\n\n"
        "}  // namespace nzeza::api\n")
root = pathlib.Path(__file__).resolve().parent.parent.parent
(root / "src/api/openapi.cpp").write_text(out)
