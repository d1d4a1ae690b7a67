"""Report stage: turn results into strings. Where they go is the CLI's business."""
