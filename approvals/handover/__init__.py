"""Hand-over of a reorganised unit's pending cases to its successor (biên bản bàn giao)."""
