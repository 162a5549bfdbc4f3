"""D2L (zh, zh-v2.d2l.ai) 2.2 数据预处理 / chapter_preliminaries/pandas.md, the cells for pytorch.

house_tiny.csv goes into $D2L_DATA_DIR (or a fresh temporary directory) instead of ../data.

Pandas >= 2: the book's `inputs.fillna(inputs.mean())` raises TypeError while the string
column Alley is still there, so the mean is taken with numeric_only=True (what pandas asks
for). get_dummies then gives bool columns; the current book text converts with
`to_numpy(dtype=float)`. The older text, `torch.tensor(inputs.values)`, meets an object
array and torch raises TypeError: the last cell checks that the same error comes.
"""
import os
import tempfile

root = os.environ.get("D2L_DATA_DIR") or tempfile.mkdtemp()


def cell(title):
    print(f"-- {title}")


os.makedirs(os.path.join(root, 'data'), exist_ok=True)
data_file = os.path.join(root, 'data', 'house_tiny.csv')
with open(data_file, 'w') as f:
    f.write('NumRooms,Alley,Price\n')  # 列名
    f.write('NA,Pave,127500\n')  # 每行表示一个数据样本
    f.write('2,NA,106000\n')
    f.write('4,NA,178100\n')
    f.write('NA,NA,140000\n')

cell("data = pd.read_csv(data_file); print(data)")
import pandas as pd

data = pd.read_csv(data_file)
print(data)

cell("inputs = inputs.fillna(inputs.mean(numeric_only=True)); print(inputs)")
inputs, outputs = data.iloc[:, 0:2], data.iloc[:, 2]
inputs = inputs.fillna(inputs.mean(numeric_only=True))
print(inputs)

cell("inputs = pd.get_dummies(inputs, dummy_na=True); print(inputs)")
inputs = pd.get_dummies(inputs, dummy_na=True)
print(inputs)

cell("X = torch.tensor(inputs.to_numpy(dtype=float)); y = ...; X, y")
import torch

X = torch.tensor(inputs.to_numpy(dtype=float))
y = torch.tensor(outputs.to_numpy(dtype=float))
print(repr((X, y)))

cell("[older text] X, y = torch.tensor(inputs.values), torch.tensor(outputs.values)")
print(repr(inputs.values.dtype), repr(outputs.values.dtype))
try:
    X, y = torch.tensor(inputs.values), torch.tensor(outputs.values)
except TypeError as e:
    # the first sentence; the list of supported dtypes that follows is each library's own
    print(f"{type(e).__name__}: {str(e).split(' The only supported types')[0]}")
print(repr(torch.tensor(outputs.values)))
print(repr(torch.tensor(pd.get_dummies(data.iloc[:, 1:2], dummy_na=True).values)))
