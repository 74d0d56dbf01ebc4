"""A loopback TCP relay that can cut the line, to lose a real database in the middle of a test; and one that
spreads connections over several targets in turn, like a round-robin load balancer in front of replicas."""

from __future__ import annotations

import itertools
import socket
import threading
from collections import Counter


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._up = True
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def cut(self) -> None:
        """Drops every open connection and refuses new ones, like a database that went away."""
        with self._lock:
            self._up = False
            for connection in self._connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self._connections.clear()

    def restore(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self._running = False
        self.cut()
        self._thread.join(timeout=2)
        self._listener.close()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if not self._up:
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(self._next_target(), timeout=5)
                except OSError:
                    client.close()
                    continue
                upstream.settimeout(None)  # the 5 s were for connecting: an idle line is not a broken one
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _next_target(self) -> tuple[str, int]:
        return self._target

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.close()
                except OSError:
                    pass


class RoundRobinProxy(TcpProxy):
    """Each new connection goes to the next target in turn; `relayed` counts the connections each was given.
    A client that opens a connection per request (urllib does) so alternates its requests."""

    def __init__(self, targets: list[tuple[str, int]]) -> None:
        self._targets = list(targets)
        self._turn = itertools.cycle(self._targets)
        self.relayed: Counter[tuple[str, int]] = Counter()
        super().__init__(*self._targets[0])

    def _next_target(self) -> tuple[str, int]:
        target = next(self._turn)  # only the accepting thread asks
        self.relayed[target] += 1
        return target
