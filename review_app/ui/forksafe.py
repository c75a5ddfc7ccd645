"""Keep forked worker processes from holding the web server's network connections. Pure (no Streamlit).

The scoring core computes statistics in a pool of *forked* worker processes
(``review_app.scoring.stats.worker_pool``). Forked inside the Streamlit server, each worker inherits a
copy of every open socket: the listening socket and the browser's HTTP and WebSocket connections.
When the server then closes an idle keep-alive connection, the worker's copy keeps it open, no FIN is
sent, and the browser reuses the dead connection: its request (e.g. the code of a widget) never gets
an answer and the page hangs with grey placeholders. The workers also keep the port bound after the
server exits.

:func:`install` registers an ``os.register_at_fork`` hook that closes, in the child right after a
fork, every inherited TCP socket (IPv4/IPv6). Workers talk to the pool through pipes, which are left
alone, as are Unix sockets. ``subprocess`` does not run at-fork hooks and is not affected.
"""

from __future__ import annotations

import os
import socket
import stat

_installed = False


def inherited_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: try the usual range
        return list(range(3, 1024))


def close_inherited_tcp_sockets() -> int:
    """Close every TCP socket of this process; return how many were closed."""
    closed = 0
    for fd in inherited_fds():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            family = sock.family
        finally:
            sock.detach()  # leaves the descriptor open; we close it below only if it is TCP
        if family in (socket.AF_INET, socket.AF_INET6):
            try:
                os.close(fd)
                closed += 1
            except OSError:
                pass
    return closed


def install() -> bool:
    """Register the hook once per process; True if it is (now) registered."""
    global _installed
    if not _installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=close_inherited_tcp_sockets)
        _installed = True
    return _installed
