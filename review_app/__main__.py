import sys

from review_app.cli.main import main

sys.exit(main())
