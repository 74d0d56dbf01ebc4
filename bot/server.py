"""HTTP mode: one WSGI application with Slack's endpoint, a health check and, given metrics, `GET /metrics`
(Prometheus' text format), served by waitress."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from sqlalchemy import Engine

from bot.boundary import SlackEndpoint
from bot.clock import Clock
from storage.db import make_session_factory, ping

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def make_wsgi_app(app: App, engine: Engine, *, signing_secret: str, clock: Clock,
                  scheduler_role: Callable[[], str] | None = None, metrics: Metrics | None = None) -> WSGIApp:
    """`scheduler_role`: whether this process's scheduler "leads" or "follows"; without one, /healthz says "off"."""
    slack = SlackEndpoint(app, signing_secret=signing_secret, sessions=make_session_factory(engine), clock=clock,
                          metrics=metrics)
    scheduler = scheduler_role or (lambda: "off")

    def healthz(start_response: Callable) -> list[bytes]:
        try:
            ping(engine)
        except Exception as error:  # any failure means "not healthy"; the reason goes to the log
            log.warning("health check: database does not answer: %s", error.__class__.__name__)
            return _json(start_response, "503 Service Unavailable", {"ok": False, "database": "unreachable",
                                                                     "scheduler": scheduler()})
        return _json(start_response, "200 OK", {"ok": True, "database": "ok", "scheduler": scheduler()})

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return healthz(start_response)
        if path == "/metrics" and method in ("GET", "HEAD") and metrics is not None:
            body, content_type = metrics.exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application


def _json(start_response: Callable, status: str, body: dict) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def create_server(wsgi: WSGIApp, *, host: str, port: int, threads: int = 8, **adjustments: object):
    """A waitress server, not yet running; port 0 picks a free port (see `.effective_port`)."""
    from waitress.server import create_server as waitress_server

    return waitress_server(wsgi, host=host, port=port, threads=threads, ident="pfp", **adjustments)


class BackgroundServer:
    """The same server on a thread of its own (tests, a local sandbox), with a clean stop."""

    def __init__(self, wsgi: WSGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        import threading

        # Waitress reads asyncore_loop_timeout as a whole number of seconds: 0.05 became 0, a select that
        # never waits, and a core spent spinning while idle. Its one second is fine: stop() wakes the loop
        # through its trigger rather than waiting for the select to time out.
        self._server = create_server(wsgi, host=host, port=port, asyncore_loop_timeout=1)
        self._thread = threading.Thread(target=self._server.run, name="pfp-http", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.effective_port

    def stop(self) -> None:
        from waitress import wasyncore

        # Let the request threads finish first (each wakes the loop when done), then close every channel
        # from inside the server's own loop, which ends because nothing is left in it.
        self._server.task_dispatcher.shutdown(timeout=5)
        try:
            self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._server._map))
        except OSError:
            # Seen once in CI: the trigger's pipe was already closed, so the loop cannot be woken. Close
            # the channels from here, as webtest's StopableWSGIServer does; the loop then finds nothing.
            wasyncore.close_all(self._server._map, ignore_all=True)
        self._thread.join(timeout=5)
