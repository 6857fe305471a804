from python:3.12
arg PIP_EXTRA_INDEX_URL
run pip install \
    --no-cache-dir -r requirements.txt
