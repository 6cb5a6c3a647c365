from litlab.cli import main

main()
