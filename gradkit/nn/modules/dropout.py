"""``torch.nn.modules.dropout``'s path to the dropout layers."""
from ..layers import Dropout
from ..spatial import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]
