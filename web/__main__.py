from web.server import main

main(prog_name="python -m web")
