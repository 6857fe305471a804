from python:3.12
run --mount=type=secret,id=pip_extra_index_url \
    export PIP_EXTRA_INDEX_URL="$(cat /run/secrets/pip_extra_index_url)" && pip install \
    --no-cache-dir -r requirements.txt
