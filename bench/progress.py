"""The progress display on stderr (stdout stays the report): on a terminal a tqdm bar when
tqdm is installed, else one line redrawn in place; elsewhere (a log file, CI) one plain line
per step, so the log reads cleanly."""
from __future__ import annotations

import sys
import time


class Progress:
    """``show(done, label)``: ``done`` of ``total`` units are finished and ``label`` runs now."""

    def __init__(self, total, enabled=True, stream=None, use_tqdm=True):
        self.total = max(1, total)
        self.done = 0
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._start = time.perf_counter()
        self._bar = None
        if enabled and use_tqdm and self.stream.isatty():
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=self.total, file=self.stream, unit="step", dynamic_ncols=True,
                                 bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                            "[{elapsed}<{remaining}]")

    def show(self, done, label):
        done = min(done, self.total)
        if self._bar is not None:
            if done > self.done:
                self._bar.update(done - self.done)
            self.done = done
            self._bar.set_description_str(label)
            return
        self.done = done
        if not self.enabled:
            return
        text = f"[{done}/{self.total}] {label} ({time.perf_counter() - self._start:.0f}s)"
        if self.stream.isatty():
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self):
        if self._bar is not None:
            self.show(self.total, "done")
            self._bar.close()
        elif self.enabled and self.stream.isatty():
            self.stream.write("\n")
            self.stream.flush()
