from modusearch.cli import main

main(prog_name="modusearch")
