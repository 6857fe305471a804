from python:3.12
run pip install \
    # web
    flask \
 && npm install
