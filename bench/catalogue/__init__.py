"""The model catalogue: typed model specs, `models.yaml`, and where each model's weights are."""
