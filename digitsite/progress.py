"""A one-line text progress bar for management commands (training, warming the fact cache)."""
import sys
import time

from django.core.management.base import OutputWrapper


class ProgressBar:
    def __init__(self, total: int, *, stream=None, width: int = 30, label: str = ""):
        self.total, self.width, self.label = max(total, 1), width, label
        self.stream = stream or sys.stdout
        self.started = time.perf_counter()
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_line = 0.0

    def update(self, done: int, text: str = "", *, force: bool = False) -> None:
        """Redraws in place on a terminal; elsewhere prints a line at most every 10 s (and when forced)."""
        filled = int(self.width * min(done, self.total) / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label}[{bar}] {done}/{self.total} {text}"
        if self.interactive:
            self._write("\r" + line)
        elif force or done >= self.total or time.perf_counter() - self._last_line > 10:
            self._write(line + "\n")
            self._last_line = time.perf_counter()
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self._write("\n")
            self.stream.flush()

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):      # a command's stdout adds its own line endings
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
