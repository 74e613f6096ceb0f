"""The local stand-in for the WeCom server: a real HTTP server speaking WeCom's protocol.

create_standin(config) builds the WSGI app; serve(config) runs it in the foreground;
start_in_thread(config) runs it in a background thread for tests.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from standin import api, control, oauth, sms
from standin.callbacks import Callbacks
from standin.state import State

log = logging.getLogger(__name__)


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, keeping connections open between calls as WeCom's servers do,
    without an access-log line for each poll of a phone."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code="-", size="-") -> None:
        if not self.path.startswith("/_standin/messages"):
            super().log_request(code, size)


def create_standin(config) -> Flask:
    """The stand-in's WSGI app; its State is app.extensions["standin"]."""
    app = Flask("standin")
    _hold(app, State(config))
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(sms.bp)
    return app


def _hold(app: Flask, state: State) -> None:
    app.extensions["standin"] = state
    app.extensions["standin_callbacks"] = Callbacks(state)


@dataclass
class StandinHandle:
    """A stand-in running in a background thread."""

    url: str
    state: State
    server: BaseWSGIServer
    thread: threading.Thread

    def renewed(self, config) -> StandinHandle:
        """The same server holding a new State, as a stand-in started now would: what the current one
        holds back is let go, and the next request sees only the new one. (Tests share one server:
        building a stand-in's routes costs more than most tests.)"""
        self.state.closing.set()
        state = State(config)
        _hold(self.server.app, state)
        return replace(self, state=state)

    def shutdown(self) -> None:
        """Stop serving; answers held back by a fault switch are let go at once."""
        self.state.closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_in_thread(config, port: int = 0) -> StandinHandle:
    """Serve on config.standin.host and `port` (0: a free one) from a daemon thread."""
    app = create_standin(config)
    host = config.standin.host
    server = make_server(host, port, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="wecom-standin", daemon=True)
    thread.start()
    return StandinHandle(f"http://{host}:{server.server_port}", app.extensions["standin"], server, thread)


def serve(config) -> None:
    """Serve on config.standin.host/port until interrupted."""
    app = create_standin(config)
    standin = config.standin
    server = make_server(standin.host, standin.port, app, threaded=True, request_handler=RequestHandler)
    log.info("WeCom stand-in on http://%s:%d (app callbacks go to %s)",
             standin.host, server.server_port, standin.app_url)
    try:
        server.serve_forever()
    finally:
        app.extensions["standin"].closing.set()
        server.server_close()
