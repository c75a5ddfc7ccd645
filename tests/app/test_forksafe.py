"""Forked workers must not hold the server's TCP connections (review_app.ui.forksafe)."""

from __future__ import annotations

import multiprocessing
import os
import socket

import pytest

from review_app.ui import forksafe

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def identity(fd):
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def child_report(fds, pipe_fd_ok, queue):
    """Which of the parent's descriptors the child still has (by identity: a closed number may be reused)."""
    alive = {}
    for fd, wanted in fds.items():
        try:
            alive[fd] = identity(fd) == wanted
        except OSError:
            alive[fd] = False
    queue.put((alive, pipe_fd_ok()))


def test_forked_child_closes_inherited_tcp_sockets_only():
    assert forksafe.install() and forksafe.install()  # idempotent
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    unix_a, unix_b = socket.socketpair()
    read_end, write_end = os.pipe()
    try:
        context = multiprocessing.get_context("fork")
        queue = context.SimpleQueue()
        fds = {fd: identity(fd) for fd in (server.fileno(), accepted.fileno(), unix_a.fileno(), read_end)}

        def pipe_ok():
            os.fstat(write_end)
            return True

        process = context.Process(target=child_report, args=(fds, pipe_ok, queue))
        process.start()
        alive, pipe_alive = queue.get()
        # The worker dropped the listening socket and the connection, kept the Unix socket and the pipe.
        assert alive == {server.fileno(): False, accepted.fileno(): False, unix_a.fileno(): True, read_end: True}
        assert pipe_alive
        # With the child still running, closing the connection here reaches the client at once.
        accepted.close()
        client.settimeout(5)
        assert client.recv(1) == b""
        process.join(10)
    finally:
        for sock in (server, client, accepted, unix_a, unix_b):
            sock.close()
        os.close(read_end)
        os.close(write_end)


def test_close_in_this_process_counts_tcp_only():
    # Run in a forked child so this test process keeps its own sockets.
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    server = socket.create_server(("127.0.0.1", 0))
    try:
        process = context.Process(target=lambda q: q.put(forksafe.close_inherited_tcp_sockets()), args=(queue,))
        process.start()
        assert queue.get() == 0  # the hook already closed them at fork
        process.join(10)
    finally:
        server.close()
