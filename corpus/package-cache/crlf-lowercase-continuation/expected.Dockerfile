from python:3.12
run pip install --no-cache-dir \
    # web
    flask \
 && npm install \
 && npm cache clean --force
