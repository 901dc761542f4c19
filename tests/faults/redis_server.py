"""A real redis-server of a test's own, on a free port, that the test stops, pauses (SIGSTOP), resumes and restarts."""

import os
import shutil
import signal
import subprocess
import time

import redis

from tests.mail import free_port


class RedisServer:
    """One redis-server process on 127.0.0.1:`port` keeping nothing on disk; a restart comes back empty, on the same
    port, as a restarted production Redis without persistence does."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        """The address of database `db` on this server."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        """A client of database `db` (for the test's own checks)."""
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2)

    def start(self) -> None:
        """Start the server and wait until it answers."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", "/tmp", "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (SIGTERM) and wait for it to exit: its port refuses connections."""
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGCONT)  # a paused server cannot exit
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): the kernel still accepts connections on its port, nothing ever answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused server go on (SIGCONT), with its data."""
        os.kill(self.process.pid, signal.SIGCONT)
