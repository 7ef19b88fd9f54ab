"""Language machinery: what policytrace knows of a language, apart from the
extractors that use it (the layout of spaCy's `spacy/lang/`)."""
