"""Trains the shared 16K SentencePiece unigram tokenizer on the unlabelled reviews and comments.

    /usr/bin/python3 training/train_tokenizer.py [--vocab-size 16000]

Writes $KO_TRAIN_WORK/tokenizer/spm.model and the Hugging Face files (tokenizer.json, ...) beside it,
and says whether the model equals the committed training/encoder/spm.model byte for byte (it does:
spm_train is deterministic for a seed and input).
"""
import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ko_train.paths import ENCODER, WORK  # noqa: E402
from ko_train.tokenizer import corpus_lines, spm_to_hf, train_spm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab-size", type=int, default=16000)
    args = ap.parse_args()
    out = WORK / "tokenizer"
    lines = corpus_lines()
    print(f"training SentencePiece on {len(lines)} lines", flush=True)
    model = train_spm(out, args.vocab_size, lines)
    spm_to_hf(model, out / "hf", model_max_length=128)
    print(f"wrote {model} and {out / 'hf'}")
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    same = sha(model) == sha(ENCODER / "spm.model")
    print(f"{'identical to' if same else 'DIFFERENT from'} the committed {ENCODER / 'spm.model'}")


if __name__ == "__main__":
    main()
