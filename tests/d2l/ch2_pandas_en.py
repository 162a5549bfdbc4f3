"""D2L (en, d2l.ai v1) 2.2 Data Preprocessing / chapter_preliminaries/pandas.md, the cells for
pytorch.

house_tiny.csv goes into $D2L_DATA_DIR (or a fresh temporary directory) instead of ../data.
get_dummies gives bool columns under pandas >= 2; the book converts with
`to_numpy(dtype=float)`. The last cell (not in the book) checks that converting the
object array `inputs.values` raises the same TypeError as torch.
"""
import os
import tempfile

root = os.environ.get("D2L_DATA_DIR") or tempfile.mkdtemp()


def cell(title):
    print(f"-- {title}")


os.makedirs(os.path.join(root, 'data'), exist_ok=True)
data_file = os.path.join(root, 'data', 'house_tiny.csv')
with open(data_file, 'w') as f:
    f.write('''NumRooms,RoofType,Price
NA,NA,127500
2,NA,106000
4,Slate,178100
NA,NA,140000''')

cell("data = pd.read_csv(data_file); print(data)")
import pandas as pd

data = pd.read_csv(data_file)
print(data)

cell("inputs = pd.get_dummies(inputs, dummy_na=True); print(inputs)")
inputs, targets = data.iloc[:, 0:2], data.iloc[:, 2]
inputs = pd.get_dummies(inputs, dummy_na=True)
print(inputs)

cell("inputs = inputs.fillna(inputs.mean()); print(inputs)")
inputs = inputs.fillna(inputs.mean())
print(inputs)

cell("X = torch.tensor(inputs.to_numpy(dtype=float)); y = ...; X, y")
import torch

X = torch.tensor(inputs.to_numpy(dtype=float))
y = torch.tensor(targets.to_numpy(dtype=float))
print(repr((X, y)))

cell("[not in the book] torch.tensor(inputs.values), an object array")
print(repr(inputs.values.dtype))
try:
    torch.tensor(inputs.values)
except TypeError as e:
    # the first sentence; the list of supported dtypes that follows is each library's own
    print(f"{type(e).__name__}: {str(e).split(' The only supported types')[0]}")
print(repr(torch.tensor(targets.values)))
