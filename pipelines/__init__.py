"""policytrace pipelines: pure functions from policy texts to records.

Nothing in this package imports Prefect; `flows/` orchestrates it.
"""

__version__ = "0.1.0"
