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
client_id = {"name": "client_id", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "the order's client id as /orders lists it (its sequence), or the id "
                            "a venue was sent"}
force = {"name": "force", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "also cancel the exits protecting a held position (and a close under "
                        "way): the position is left without its stop at the venue"}
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
        "/api/v1/ready": {"get": op("Readiness: each feed's state, each venue's start-up "
                                    "reconciliation and its client's health now (circuit, failed "
                                    "requests, private stream); 503 naming what is not ready",
                                    "none", extra=["503"])},
        "/api/v1/openapi.json": {"get": op("This document", "none")},
        "/api/v1/status": {"get": op("Counters: signals, orders sent and refused, refusals by "
                                     "reason, kill switch, halts", "read", extra=["503"])},
        "/api/v1/prices": {"get": op("Per symbol: the reference price (fresh or not) and each "
                                     "venue's bid and ask with its age in ms; each feed's age",
                                     "read", extra=["503"])},
        "/api/v1/signals": {"get": op("The last signal per symbol and warm-up progress", "read",
                                      extra=["503"])},
        "/api/v1/orders": {
            "get": op("Open orders (entries, closes, resting exits)", "read", extra=["503"]),
            "post": op("A manual order, always through the risk gate: without quantity an operator "
                       "signal (sizing, the gate); with quantity (a multiple of the lot, within "
                       "the instrument's limits; 422 naming the rule) and optional limit_price "
                       "(on the tick) a market or limit IOC order checked by the gate now (422 "
                       "risk_refused)", "trade", ok="202", ok_desc="Handed to execution",
                       extra=["400", "404", "409", "422", "503"],
                       body={"type": "object", "required": ["symbol", "side"],
                             "properties": {"symbol": {"type": "string", "example": "BTC-USD"},
                                            "side": {"type": "string", "enum": ["buy", "sell"]},
                                            "confidence": {"type": "number", "minimum": 0,
                                                           "maximum": 1, "default": 1},
                                            "quantity": {"type": "string", "example": "0.001",
                                                         "description": "exact decimal"},
                                            "limit_price": {"type": "string",
                                                            "example": "50000.5"}}}),
            "delete": op("Cancel every working order (entries in flight, exits of flat "
                         "positions); the exits protecting a held position are kept unless "
                         "force=true", "trade", ok="202", ok_desc="Cancels sent",
                         extra=["404", "503"],
                         params=[{"name": "symbol", "in": "query", "required": False,
                                  "schema": {"type": "string"}}, force])},
        "/api/v1/orders/{client_id}": {
            "get": op("One order: state, quantities, fills", "read", extra=["404", "503"],
                      params=[client_id]),
            "delete": op("Cancel one order; 404 unknown, 409 already final or protecting a held "
                         "position without force=true", "trade", ok="202",
                         ok_desc="Cancel sent", extra=["404", "409", "503"],
                         params=[client_id, force])},
        "/api/v1/candles": {"get": op(
            "Candles of a symbol, oldest first: the server's builders (the open one last, "
            "closed=false), older ones and other intervals from the journal", "read",
            extra=["400", "404", "503"],
            params=[{"name": "symbol", "in": "query", "required": True,
                     "schema": {"type": "string"}},
                    {"name": "interval", "in": "query", "required": False,
                     "schema": {"type": "string", "example": "1m"},
                     "description": "10s, 1m, 1h, 1d or seconds; default the server's"},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 500,
                                "default": 100}}])},
        "/api/v1/alerts": {"get": op(
            "The server's latest warnings and errors (refusals, halts, restarts, journal "
            "failures, reconciliation blocks, failed or forced cancels), oldest first", "read",
            extra=["400"],
            params=[{"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 256,
                                "default": 100}}])},
        "/api/v1/screening": {"get": op("The latest screening results (journal), best score "
                                        "first; an empty list when none", "read",
                                        extra=["503"])},
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
