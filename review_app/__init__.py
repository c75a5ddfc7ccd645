"""Translation-quality review: sacrebleu scores, glossary and QA checks, review app."""

__version__ = "0.1.0"
