"""BERT and ELECTRA sequence classifiers in plain PyTorch, with the config keys and state_dict names of
Hugging Face `BertForSequenceClassification` / `ElectraForSequenceClassification` (absolute positions,
token types), for the test fixtures of those families; and a reference WordPiece tokenizer written
from BERT's own `tokenization.py` (BasicTokenizer + greedy longest-match-first WordPiece).
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class BertConfig:
    vocab_size: int = 2000
    hidden_size: int = 32
    num_hidden_layers: int = 2
    num_attention_heads: int = 2
    intermediate_size: int = 64
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 64
    type_vocab_size: int = 2
    initializer_range: float = 0.2
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0
    embedding_size: int = 32  # ELECTRA only (projected to hidden_size when they differ)
    num_labels: int = 3
    id2label: dict[str, str] = field(default_factory=lambda: {"0": "negative", "1": "neutral", "2": "positive"})
    problem_type: str = "single_label_classification"

    def to_hf(self, family: str) -> dict:
        d = asdict(self)
        d.pop("num_labels")
        if family == "bert":
            d.pop("embedding_size")
        d["label2id"] = {v: int(k) for k, v in self.id2label.items()}
        arch = {"bert": "BertForSequenceClassification", "electra": "ElectraForSequenceClassification"}[family]
        return {"architectures": [arch], "model_type": family, "position_embedding_type": "absolute", **d}


class Embeddings(nn.Module):
    def __init__(self, c: BertConfig, size: int):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, size)
        self.LayerNorm = nn.LayerNorm(size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        pos = torch.arange(input_ids.shape[1], device=input_ids.device)[None]
        x = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def forward(self, x, mask):
        b, n, h = x.shape
        split = lambda t: t.view(b, n, self.heads, h // self.heads).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = (q @ k.transpose(-1, -2)) / (h // self.heads) ** 0.5
        scores = scores.masked_fill(mask[:, None, None, :] == 0, torch.finfo(scores.dtype).min)
        return (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, n, h)


class Output(nn.Module):
    def __init__(self, c: BertConfig, inner: int):
        super().__init__()
        self.dense = nn.Linear(inner, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Layer(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.attention = nn.Module()
        self.attention.self = SelfAttention(c)
        self.attention.output = Output(c, c.hidden_size)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.output = Output(c, c.intermediate_size)

    def forward(self, x, mask):
        a = self.attention.output(self.attention.self(x, mask), x)
        return self.output(F.gelu(self.intermediate.dense(a)), a)


class Encoder(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


def _init(module: nn.Module, std: float) -> None:
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.normal_(0.0, std)
            if isinstance(m, nn.Linear) and m.bias is not None:
                m.bias.data.normal_(0.0, std)
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.normal_(1.0, std / 4)
            m.bias.data.normal_(0.0, std / 4)


class BertForSequenceClassification(nn.Module):
    family = "bert"

    def __init__(self, c: BertConfig):
        super().__init__()
        self.config = c
        self.bert = nn.Module()
        self.bert.embeddings = Embeddings(c, c.hidden_size)
        self.bert.encoder = Encoder(c)
        self.bert.pooler = nn.Module()
        self.bert.pooler.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        _init(self, c.initializer_range)

    def pooled(self, input_ids, attention_mask, token_type_ids):
        h = self.bert.encoder(self.bert.embeddings(input_ids, token_type_ids), attention_mask)
        return torch.tanh(self.bert.pooler.dense(h[:, 0]))

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.dropout(self.pooled(input_ids, attention_mask, token_type_ids)))


class ElectraForSequenceClassification(nn.Module):
    family = "electra"

    def __init__(self, c: BertConfig):
        super().__init__()
        self.config = c
        self.electra = nn.Module()
        self.electra.embeddings = Embeddings(c, c.embedding_size)
        if c.embedding_size != c.hidden_size:
            self.electra.embeddings_project = nn.Linear(c.embedding_size, c.hidden_size)
        self.electra.encoder = Encoder(c)
        self.classifier = nn.Module()
        self.classifier.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.classifier.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.classifier.out_proj = nn.Linear(c.hidden_size, c.num_labels)
        _init(self, c.initializer_range)

    def pooled(self, input_ids, attention_mask, token_type_ids):
        x = self.electra.embeddings(input_ids, token_type_ids)
        if hasattr(self.electra, "embeddings_project"):
            x = self.electra.embeddings_project(x)
        h = self.electra.encoder(x, attention_mask)
        return F.gelu(self.classifier.dense(self.classifier.dropout(h[:, 0])))

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier.out_proj(self.classifier.dropout(self.pooled(input_ids, attention_mask, token_type_ids)))


class WordPiece:
    """BERT's tokenization.py: clean text, split on whitespace and punctuation (CJK ideographs alone),
    optional lowercasing with accent stripping, then greedy longest-match-first with `##` pieces."""

    def __init__(self, vocab: list[str], do_lower_case: bool = False, max_chars_per_word: int = 100):
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.lower = do_lower_case
        self.max_chars = max_chars_per_word

    @staticmethod
    def _is_punct(ch: str) -> bool:
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp: int) -> bool:
        return any(a <= cp <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                             (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])

    def basic(self, text: str) -> list[str]:
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            out.append(" " if ch in " \t\n\r" or unicodedata.category(ch) == "Zs" else f" {ch} " if self._is_cjk(cp) else ch)
        words = []
        for w in "".join(out).split():
            if self.lower:
                w = "".join(c for c in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(c) != "Mn")
            cur = ""
            for ch in w:
                if self._is_punct(ch):
                    if cur:
                        words.append(cur)
                    words.append(ch)
                    cur = ""
                else:
                    cur += ch
            if cur:
                words.append(cur)
        return words

    def ids(self, text: str) -> list[int]:
        unk = self.vocab["[UNK]"]
        out = []
        for word in self.basic(text):
            if len(word) > self.max_chars:
                out.append(unk)
                continue
            pieces, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = ("##" if start > 0 else "") + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    pieces = [unk]
                    break
                pieces.append(found)
                start = end
            out.extend(pieces)
        return out
