"""The use cases the faces call. Each function takes the store and plain values and returns
plain values; the CLI and the web layer only parse arguments and print."""
