import sys

from review_app.cli.main import main

# Guarded: worker processes re-import the main module (see scoring.stats.worker_pool).
if __name__ == "__main__":
    sys.exit(main())
