"""A DeBERTa-v2 encoder in plain PyTorch whose config keys and state_dict names match Hugging Face
`DebertaV2ForSequenceClassification` / `DebertaV2ForMaskedLM` (transformers/models/deberta_v2).

Written for clean ONNX export (see shared/docs/training-notes.md): relative positions are built
from the input's shape (a Range op, not Python ints baked into the graph), attention masking is
masked_fill + softmax (no custom autograd XSoftmax/XDropout), and the shared key/query projection of
the relative embeddings is applied to a 3-D tensor so the exported MatMul reuses the same weight.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class DebertaV2Config:
    vocab_size: int = 16000
    hidden_size: int = 256
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 0
    initializer_range: float = 0.02
    layer_norm_eps: float = 1e-7
    relative_attention: bool = True
    max_relative_positions: int = 128
    position_buckets: int = 64
    pad_token_id: int = 0
    position_biased_input: bool = False
    pos_att_type: list[str] = field(default_factory=lambda: ["p2c", "c2p"])
    share_att_key: bool = True
    norm_rel_ebd: str = "layer_norm"
    pooler_hidden_size: int = 256
    pooler_dropout: float = 0.0
    pooler_hidden_act: str = "gelu"
    num_labels: int = 2
    id2label: dict[str, str] = field(default_factory=lambda: {"0": "LABEL_0", "1": "LABEL_1"})
    problem_type: str = "single_label_classification"
    # ko-classify's own keys in config.json (Hugging Face ignores unknown keys): per-label decision
    # thresholds of a multi-label model, and label display names per locale ({"ko": {label: name}}).
    label_thresholds: dict[str, float] | None = None
    label_display_names: dict[str, dict[str, str]] | None = None

    def to_hf(self) -> dict:
        """The `config.json` Hugging Face writes for DebertaV2ForSequenceClassification."""
        d = {k: v for k, v in asdict(self).items() if v is not None}
        d.pop("num_labels")
        d["pos_att_type"] = "|".join(self.pos_att_type)
        d["label2id"] = {v: int(k) for k, v in self.id2label.items()}
        return {"architectures": ["DebertaV2ForSequenceClassification"], "model_type": "deberta-v2", **d}

    @classmethod
    def from_hf(cls, d: dict) -> "DebertaV2Config":
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in known}
        if isinstance(kw.get("pos_att_type"), str):
            kw["pos_att_type"] = [p for p in kw["pos_att_type"].split("|") if p]
        kw["num_labels"] = len(d.get("id2label", {"0": 0, "1": 1}))
        return cls(**kw)


def make_log_bucket_position(relative_pos: torch.Tensor, bucket_size: int, max_position: int) -> torch.Tensor:
    sign = torch.sign(relative_pos)
    mid = bucket_size // 2
    abs_pos = torch.where(
        (relative_pos < mid) & (relative_pos > -mid),
        torch.tensor(mid - 1).type_as(relative_pos),
        torch.abs(relative_pos),
    )
    log_pos = torch.ceil(
        torch.log(abs_pos / mid) / torch.log(torch.tensor((max_position - 1) / mid)) * (mid - 1)
    ) + mid
    return torch.where(abs_pos <= mid, relative_pos.type_as(log_pos), log_pos * sign)


def build_relative_position(length: int | torch.Tensor, bucket_size: int, max_position: int,
                            device: torch.device) -> torch.Tensor:
    ids = torch.arange(length, dtype=torch.long, device=device)
    rel = ids[:, None] - ids[None, :]
    if bucket_size > 0 and max_position > 0:
        rel = make_log_bucket_position(rel, bucket_size, max_position)
    return rel.to(torch.long)


def bucket_table(max_len: int, bucket_size: int, max_position: int) -> torch.Tensor:
    """Bucket of every relative distance -(max_len-1)..(max_len-1), computed once on the CPU with
    Hugging Face's formula. At distances where log(...) is mathematically an integer the formula's
    ceil() depends on float rounding, so evaluating it inside the graph gives different buckets on
    different backends (WebGPU vs WASM); a Gather from this table is exact everywhere."""
    rel = torch.arange(-(max_len - 1), max_len, dtype=torch.long)
    if bucket_size > 0 and max_position > 0:
        rel = make_log_bucket_position(rel, bucket_size, max_position)
    return rel.to(torch.long)


class DebertaV2Embeddings(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = (
            nn.Embedding(c.max_position_embeddings, c.hidden_size) if c.position_biased_input else None
        )
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size) if c.type_vocab_size > 0 else None
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        x = self.word_embeddings(input_ids)
        if self.position_embeddings is not None:
            pos = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = x + self.position_embeddings(pos)[None]
        if self.token_type_embeddings is not None:
            if token_type_ids is None:
                token_type_ids = torch.zeros_like(input_ids)
            x = x + self.token_type_embeddings(token_type_ids)
        x = self.LayerNorm(x)
        x = x * attention_mask.unsqueeze(2).to(x.dtype)
        return self.dropout(x)


class DisentangledSelfAttention(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        if c.hidden_size % c.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        if not c.share_att_key:
            raise NotImplementedError("only share_att_key=True (the DeBERTa-v3 setting) is implemented")
        self.heads = c.num_attention_heads
        self.head_dim = c.hidden_size // c.num_attention_heads
        self.query_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.key_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.value_proj = nn.Linear(c.hidden_size, c.hidden_size)
        self.pos_att_type = c.pos_att_type
        self.relative_attention = c.relative_attention
        max_rel = c.max_relative_positions if c.max_relative_positions > 0 else c.max_position_embeddings
        self.pos_ebd_size = c.position_buckets if c.position_buckets > 0 else max_rel
        self.sliced = True
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)
        self.pos_dropout = nn.Dropout(c.hidden_dropout_prob)

    def split_heads(self, x):  # (B, L, H*d) -> (B, H, L, d)
        return x.view(x.shape[0], x.shape[1], self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, hidden, mask2d, relative_pos, rel_embeddings):
        q = self.split_heads(self.query_proj(hidden))
        k = self.split_heads(self.key_proj(hidden))
        v = self.split_heads(self.value_proj(hidden))
        scale_factor = 1 + ("c2p" in self.pos_att_type) + ("p2c" in self.pos_att_type)
        scale = math.sqrt(self.head_dim * scale_factor)
        scores = torch.matmul(q, k.transpose(-1, -2) / scale)
        if self.relative_attention:
            scores = scores + self.disentangled_bias(q, k, relative_pos, self.pos_dropout(rel_embeddings), scale)
        scores = scores.masked_fill(~mask2d, torch.finfo(scores.dtype).min)
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3)
        return ctx.reshape(ctx.shape[0], ctx.shape[1], -1)

    def disentangled_bias(self, q, k, relative_pos, rel_embeddings, scale):
        """c2p and p2c terms, as Hugging Face's DisentangledSelfAttention.disentangled_attention_bias.

        Hugging Face multiplies q and k by all 2·S relative embeddings (S = position_buckets) and then
        gathers L of them per row. A bucket is never farther from 0 than its distance (|bucket(d)| <=
        |d| <= L-1), so only the 2·min(L, S) rows around the centre can be gathered: the projection
        still runs on the whole table (a constant the runtime folds, so int8 quantization ranges are
        unchanged), but the matmul with q/k uses just those rows. Same scores; for a 17-token review
        ~4x less c2p/p2c work. `sliced=False` is the literal form, kept to check that claim."""
        span = self.pos_ebd_size
        rel = rel_embeddings[: span * 2].unsqueeze(0)  # (1, 2S, D): 3-D so the projection weight is shared
        length = q.shape[2]
        index_shape = (q.shape[0], q.shape[1], length, length)
        if self.sliced:
            # The tracer warns that as_tensor becomes a constant; here it does not: the length is a
            # traced Shape value and the export stays dynamic (export_model.py's golden logits use the
            # literal form and the test suite compares them with the ONNX at every sample length).
            half = torch.clamp(torch.as_tensor(length, dtype=torch.long), max=span)
            rows = torch.arange(span - half, span + half, dtype=torch.long, device=q.device)
            offset = half
        else:
            rows = None
            offset = span
        score = 0
        if "c2p" in self.pos_att_type:
            pos_k = self.split_heads(self.key_proj(rel))  # (1, H, 2S, d)
            if rows is not None:
                pos_k = pos_k.index_select(2, rows)
            c2p = torch.matmul(q, pos_k.transpose(-1, -2))  # (B, H, L, 2·half)
            c2p_pos = torch.clamp(relative_pos + offset, 0, offset * 2 - 1)
            score = score + torch.gather(c2p, -1, c2p_pos.expand(index_shape)) / scale
        if "p2c" in self.pos_att_type:
            pos_q = self.split_heads(self.query_proj(rel))
            if rows is not None:
                pos_q = pos_q.index_select(2, rows)
            p2c = torch.matmul(k, pos_q.transpose(-1, -2))  # (B, H, L, 2·half)
            p2c_pos = torch.clamp(-relative_pos + offset, 0, offset * 2 - 1)
            score = score + torch.gather(p2c, -1, p2c_pos.expand(index_shape)).transpose(-1, -2) / scale
        return score


def use_sliced_relative_attention(model: nn.Module, on: bool) -> None:
    """Switches every attention module between the sliced c2p/p2c (default) and the literal form."""
    for m in model.modules():
        if hasattr(m, "sliced"):
            m.sliced = on


class DebertaV2SelfOutput(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class DebertaV2Attention(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.self = DisentangledSelfAttention(c)
        self.output = DebertaV2SelfOutput(c)

    def forward(self, hidden, mask2d, relative_pos, rel_embeddings):
        return self.output(self.self(hidden, mask2d, relative_pos, rel_embeddings), hidden)


class DebertaV2Intermediate(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))


class DebertaV2Output(DebertaV2SelfOutput):
    def __init__(self, c: DebertaV2Config):
        super().__init__(c)
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)


class DebertaV2Layer(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.attention = DebertaV2Attention(c)
        self.intermediate = DebertaV2Intermediate(c)
        self.output = DebertaV2Output(c)

    def forward(self, hidden, mask2d, relative_pos, rel_embeddings):
        a = self.attention(hidden, mask2d, relative_pos, rel_embeddings)
        return self.output(self.intermediate(a), a)


class DebertaV2Encoder(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.layer = nn.ModuleList([DebertaV2Layer(c) for _ in range(c.num_hidden_layers)])
        self.relative_attention = c.relative_attention
        self.max_relative_positions = c.max_relative_positions if c.max_relative_positions > 0 else c.max_position_embeddings
        self.position_buckets = c.position_buckets
        pos_ebd_size = (c.position_buckets if c.position_buckets > 0 else self.max_relative_positions) * 2
        self.rel_embeddings = nn.Embedding(pos_ebd_size, c.hidden_size)
        self.norm_rel_ebd = [x.strip() for x in c.norm_rel_ebd.lower().split("|")]
        self.max_len = c.max_position_embeddings
        self.register_buffer("rel_bucket_table", bucket_table(self.max_len, c.position_buckets,
                                                              self.max_relative_positions), persistent=False)
        if "layer_norm" in self.norm_rel_ebd:
            self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps, elementwise_affine=True)

    def forward(self, hidden, attention_mask):
        m = attention_mask.to(torch.bool)
        mask2d = (m[:, None, None, :] & m[:, None, :, None])  # (B, 1, L, L), HF's get_attention_mask
        ids = torch.arange(hidden.shape[1], dtype=torch.long, device=hidden.device)
        relative_pos = self.rel_bucket_table[ids[:, None] - ids[None, :] + (self.max_len - 1)]
        rel = self.rel_embeddings.weight
        if "layer_norm" in self.norm_rel_ebd:
            rel = self.LayerNorm(rel)
        for layer in self.layer:
            hidden = layer(hidden, mask2d, relative_pos, rel)
        return hidden


class DebertaV2Model(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.embeddings = DebertaV2Embeddings(c)
        self.encoder = DebertaV2Encoder(c)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.encoder(self.embeddings(input_ids, attention_mask, token_type_ids), attention_mask)


class ContextPooler(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.dense = nn.Linear(c.pooler_hidden_size, c.pooler_hidden_size)
        self.dropout = nn.Dropout(c.pooler_dropout)

    def forward(self, hidden):
        return F.gelu(self.dense(self.dropout(hidden[:, 0])))


def init_weights(module: nn.Module, std: float) -> None:
    for m in module.modules():
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, std)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, std)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()


class DebertaV2ForSequenceClassification(nn.Module):
    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.config = c
        self.deberta = DebertaV2Model(c)
        self.pooler = ContextPooler(c)
        self.classifier = nn.Linear(c.pooler_hidden_size, c.num_labels)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        init_weights(self, c.initializer_range)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.deberta(input_ids, attention_mask, token_type_ids)
        return self.classifier(self.dropout(self.pooler(hidden)))


class DebertaV2ForMaskedLM(nn.Module):
    """Masked-LM pretraining head with HF names (`cls.predictions.*`, decoder tied to word embeddings)."""

    def __init__(self, c: DebertaV2Config):
        super().__init__()
        self.config = c
        self.deberta = DebertaV2Model(c)
        self.cls = nn.Module()
        self.cls.predictions = nn.Module()
        self.cls.predictions.transform = nn.Module()
        self.cls.predictions.transform.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.cls.predictions.transform.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.cls.predictions.bias = nn.Parameter(torch.zeros(c.vocab_size))
        init_weights(self, c.initializer_range)

    def forward(self, input_ids, attention_mask, positions: torch.Tensor):
        """Logits over the vocabulary at the flattened `positions` (indices into B*L) only."""
        hidden = self.deberta(input_ids, attention_mask)
        h = hidden.reshape(-1, hidden.shape[-1])[positions]
        t = self.cls.predictions.transform
        h = t.LayerNorm(F.gelu(t.dense(h)))
        return h @ self.deberta.embeddings.word_embeddings.weight.T + self.cls.predictions.bias
