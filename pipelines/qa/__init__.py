"""Quality checks and scoring against hand-labelled and external sets."""
