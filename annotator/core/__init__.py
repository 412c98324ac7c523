"""The project core: no Qt, no spaCy at import time."""
