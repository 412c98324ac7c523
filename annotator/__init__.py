"""annotator: curate news articles into gold-standard NLP training data."""

__version__ = "0.1.0"
