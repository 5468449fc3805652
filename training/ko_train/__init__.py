"""ko-classify training recipe: tokenizer, DeBERTa-v2 model, training loops and ONNX export."""
