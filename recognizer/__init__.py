"""Recognition: the numpy network, preprocessing, the model wrapper and the API."""
