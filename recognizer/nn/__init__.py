"""A small neural-network library in pure numpy: layers, losses, optimisers, models, data and training."""
