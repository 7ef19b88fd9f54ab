"""Extraction from the analysed text: entities, figures, tasks, terms, gazetteers."""
