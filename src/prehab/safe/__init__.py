"""Reading what users, files and the network send, without trusting it.

- ``text``: strings checked on the way in (surrogates, controls, bidi) and escaped on the way out;
- ``toml``: TOML files read with limits (size, depth) and errors that name the file and line;
- ``files``: writes that are atomic (a crash leaves the old file or the new one, never half).
"""
