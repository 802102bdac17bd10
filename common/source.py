"""A lesson script's source: its header docstring, and the digest of the code below it."""
import hashlib
import re
from pathlib import Path


def split_header(text):
    """(the header docstring, the code after it) of a lesson script's text."""
    match = re.match(r'\s*""".*?"""', text, flags=re.S)
    return (match.group(0), text[match.end():]) if match else ("", text)


def source_digest(script_file):
    """SHA-256 of a script without its header docstring: the header's Results
    are generated from the run, so they must not change what the run is tied to."""
    path = Path(script_file)
    if not path.exists():  # a network defined elsewhere (the tests do this): nothing to tie the run to
        return None
    return hashlib.sha256(split_header(path.read_text())[1].encode()).hexdigest()
