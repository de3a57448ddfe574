"""The engine: documents in, findings out. Pure: no file or terminal I/O."""
