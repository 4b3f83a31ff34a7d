"""`baocao` subcommands: each module adds its parsers in `register()` and returns handlers."""
