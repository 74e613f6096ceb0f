"""RQ jobs: plain importable functions taking ids, idempotent when run twice."""
