"""Writing files safely: what a failed write leaves behind is a temporary file, and that is
removed; the file the user asked for is only ever replaced whole (``os.replace``)."""
from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def removed_on_failure(tmp):
    """Deletes the temporary file ``tmp`` when the block raises, then re-raises."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
