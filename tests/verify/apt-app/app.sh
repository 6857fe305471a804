#!/bin/sh
# Prints the same thing in the original and the fixed image.
set -e
hello -g "$GREETING from the app"
echo '{"status": "ok"}' | jq -r .status
