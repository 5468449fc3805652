"""Where the recipe reads data from and writes to. Data comes from ../shared (read-only)."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("KO_SHARED", REPO.parent / "shared")).resolve()
DATA = SHARED / "data"
# Checkpoints and intermediate artefacts live outside git (ignored folder, overridable).
WORK = Path(os.environ.get("KO_TRAIN_WORK", REPO / "training" / ".work")).resolve()
MODELS = REPO / "public" / "models"
FIXTURES = REPO / "packages" / "core" / "test" / "fixtures"
# The pretrained encoder and its tokenizer, committed: the starting point for every classifier.
ENCODER = REPO / "training" / "encoder"
