"""`python -m bot` starts the same CLI as the `baocao` console script."""

from bot.cli import main

raise SystemExit(main())
