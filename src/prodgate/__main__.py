from prodgate.cli.main import run

run()
