from sellerhealth.cli.common import main

main()
