# Packaging targets; see PACKAGING.md. Included by the top-level Makefile.
.PHONY: packages test-packages

packages:
	@echo "packaging is not built yet" >&2; exit 1

test-packages:
	@echo "no packages to test yet"
