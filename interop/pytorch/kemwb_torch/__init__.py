"""PyTorch twin of the KEM Workbench model (same config, same parameter order) and converters."""
from .model import MultiTaskNet, load_npz, save_npz  # noqa: F401
