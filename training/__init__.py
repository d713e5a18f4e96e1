"""Retraining runs: MNIST plus labelled drawings, fine-tuned from the active weights, gated, then promoted or not."""
