"""D2L 2.7 查阅文档 (zh) / Documentation (en), chapter_preliminaries/lookup-api.md, the pytorch
cells (the same in both editions).

dir() and help() print each library's own listing and docstring, so instead of the text
this prints what a reader takes from it (as the book's prose does): the listing is sorted
and holds the sampling names the text points at (uniform, normal, multinomial), and the
help text shows ones' signature and says it fills with 1.
"""
import contextlib
import io

import torch


def cell(title):
    print(f"-- {title}")


cell("print(dir(torch.distributions))  [what the text reads from it]")
names = dir(torch.distributions)
print(type(names).__name__, names == sorted(names))
print([n for n in ("Distribution", "Multinomial", "Normal", "Uniform", "multinomial") if n in names])
public = [n for n in names if not n.startswith("_")]
print(len(public) > 0, all(n.isidentifier() for n in names))

cell("help(torch.ones)  [what the text reads from it]")
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    help(torch.ones)
text = buf.getvalue()
body = text.splitlines()[2:]  # after "Help on ... ones ...:" and a blank line
print(any(line.startswith("ones(") for line in body))
print([k for k in ("size", "dtype", "device", "requires_grad") if k in text])
print("filled with" in text and "1" in text)

cell("torch.ones(4)")
print(repr(torch.ones(4)))
